/** The route table: every URL CoursePulse answers, one line each (handlers live beside this file). */
import express, { type RequestHandler, type Router } from 'express';
import { LTI_MOUNT, type Lti } from '../lti/provider.js';
import type { Database } from '../models/database.js';
import { deleteCredential, getCredentials, postCredential } from './admin-credentials.js';
import { getAdmin, postAdminCredential, postAdminPlatformActive, postAdminRevoke, postAdminSignIn, postAdminSignOut } from './admin-page.js';
import { sameOrigin } from './admin-session.js';
import { getPlatforms, postPlatform, postPlatformActive } from './admin-platforms.js';
import { getAudit } from './admin-audit.js';
import {
  getGroups,
  getGroupsJson,
  postGroup,
  postGroupDelete,
  postGroupMembers,
  postGroupMembersRemove,
  postGroupRename,
} from './course-groups.js';
import { caliperJsonBody, getCaliper, postCaliper } from './caliper-events.js';
import { getOverview } from './course-overview.js';
import { getOverviewCsv, getOverviewJson } from './overview-api.js';
import { getStudentDaysCsv, getStudentJson } from './student-api.js';
import { getStudentDetails, getStudentSwitch } from './student-details.js';
import { requireCourse } from './require-course.js';
import { auditReportView } from './report-view-audit.js';
import { health, ready } from './health.js';
import { getMetrics } from './metrics.js';
import { requireMetricsToken } from './require-metrics-token.js';
import { countIngestRejections } from '../observability/http-metrics.js';
import { createReadiness, type Readiness } from '../observability/readiness.js';
import { createTelemetry, type Telemetry } from '../observability/telemetry.js';
import { HttpError } from './http-error.js';
import { requireAdmin } from './require-admin.js';
import { ingestRateLimit } from './ingest-rate-limit.js';
import { requireIngestCredential } from './require-ingest-credential.js';
import { requireStorableBody } from './storable-input.js';
import { getAbout } from './xapi-about.js';
import {
  DEFAULT_INGEST_SETTINGS,
  getStatements,
  postStatements,
  putStatements,
  requireXapiVersion,
  type IngestSettings,
  xapiHeaders,
  xapiBody,
} from './xapi-statements.js';

export interface RouteDeps {
  db: Database;
  lti: Lti;
  adminToken: string;
  /** PUBLIC_URL: what LMSs are told to call. */
  publicUrl: string;
  now: () => Date;
  /** The configuration xAPI ingestion reads (pass the Config); defaults when absent. */
  ingest?: IngestSettings;
  /** What /metrics shows, and /readyz's state besides the database (as createApp's, which passes its own). */
  telemetry?: Telemetry;
  readiness?: Readiness;
  /** METRICS_TOKEN: besides the admin token, opens /metrics. */
  metricsToken?: string | undefined;
}

const requireJsonBody: RequestHandler = (req, _res, next) => {
  const hasBody = Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined;
  if (hasBody && !req.is('application/json')) {
    return next(new HttpError(415, 'send the request body as JSON (Content-Type: application/json)'));
  }
  next();
};

export function routes({ db, lti, adminToken, publicUrl, now, ingest = DEFAULT_INGEST_SETTINGS, telemetry = createTelemetry({ db }), readiness = createReadiness({ started: true }), metricsToken }: RouteDeps): Router {
  const router = express.Router();
  router.get('/healthz', health(db));
  router.get('/readyz', ready(db, readiness));
  router.get('/metrics', requireMetricsToken(adminToken, metricsToken), getMetrics(telemetry));

  // The course pages: authorised by the launch's ltik, for the course it names only.
  const course = requireCourse(lti, db, now);
  const form = [express.urlencoded({ extended: false, limit: '20kb' }), requireStorableBody];
  // The course-wide reads the reports share for a moment; whatever changes a course forgets it (report-reads.ts).
  const reports = lti.reports;
  const overview = { db, now, settings: ingest, reports };
  // Each report view is written to the audit log as it is sent (report-view-audit.ts).
  const audit = { db, now };
  router.get('/reports/overview', course, auditReportView(audit, 'overview-page'), getOverview({ ...overview, publicUrl }));
  router.get('/reports/overview/students.csv', course, auditReportView(audit, 'overview-csv'), getOverviewCsv(overview));
  router.get('/api/overview', course, auditReportView(audit, 'overview-json'), getOverviewJson(overview));
  router.get('/groups', course, getGroups(db));
  const groups = { db, now, reports };
  router.post('/groups', form, course, postGroup(groups));
  router.post('/groups/:groupId/rename', form, course, postGroupRename(groups));
  router.post('/groups/:groupId/delete', form, course, postGroupDelete(groups));
  router.post('/groups/:groupId/members', form, course, postGroupMembers(groups));
  router.post('/groups/:groupId/members/remove', form, course, postGroupMembersRemove(groups));
  router.get('/api/groups', course, getGroupsJson(db));
  const student = { db, now, settings: ingest, reports };
  router.get('/api/students/:userId', course, auditReportView(audit, 'student-json'), getStudentJson(student));
  router.get('/reports/students/:userId/days.csv', course, auditReportView(audit, 'student-days-csv'), getStudentDaysCsv(student));
  router.get('/reports/students', course, getStudentSwitch());
  router.get('/reports/students/:userId', course, auditReportView(audit, 'student-page'), getStudentDetails(student));

  const admin = express.Router();
  admin.use(requireAdmin(adminToken), requireJsonBody, express.json({ limit: '100kb' }), requireStorableBody);
  admin.get('/platforms', getPlatforms(lti.provider));
  admin.post('/platforms', postPlatform(lti.provider));
  admin.post('/platforms/:id/activate', postPlatformActive(lti.provider, true));
  admin.post('/platforms/:id/deactivate', postPlatformActive(lti.provider, false));
  admin.post('/platforms/:id/credentials', postCredential(db, lti.provider, publicUrl, now));
  admin.get('/platforms/:id/credentials', getCredentials(db, lti.provider));
  admin.delete('/credentials/:key', deleteCredential(db, now));
  admin.get('/audit', getAudit(db));
  router.use('/admin/api', admin);

  // The administrator's page (a browser, signed in with the admin token).
  const page = { db, lti: lti.provider, adminToken, publicUrl, now };
  const adminForm = [sameOrigin(publicUrl), express.urlencoded({ extended: false, limit: '10kb' }), requireStorableBody];
  router.get('/admin', getAdmin(page));
  router.post('/admin/sign-in', adminForm, postAdminSignIn(page));
  router.post('/admin/sign-out', adminForm, postAdminSignOut(page));
  router.post('/admin/platforms/:id/credentials', adminForm, postAdminCredential(page));
  router.post('/admin/platforms/:id/activate', adminForm, postAdminPlatformActive(page, true));
  router.post('/admin/platforms/:id/deactivate', adminForm, postAdminPlatformActive(page, false));
  router.post('/admin/credentials/:key/revoke', adminForm, postAdminRevoke(page));

  // xAPI (LMS → tool): the Statements resource, with a platform's ingest credential (api.md).
  const xapi = express.Router();
  const statements = { db, lti, publicUrl, now, settings: ingest };
  xapi.use(xapiHeaders(now));
  xapi.get('/about', getAbout);
  // One rate bucket per credential, whichever of /xapi and /caliper it sends to.
  const ingestRate = ingestRateLimit(ingest.ingestRatePerMinute, now);
  xapi.use(requireIngestCredential(db, now), ingestRate, requireXapiVersion, xapiBody(ingest.ingestMaxBytes));
  xapi.post('/statements', postStatements(statements));
  xapi.put('/statements', putStatements(statements));
  xapi.get('/statements', getStatements(statements));
  router.use('/xapi/statements', countIngestRejections('xapi'));
  router.use('/xapi', xapi);

  // Caliper (LMS → tool): one envelope per POST, Bearer key:secret of a platform's ingest credential.
  const caliperCredential = requireIngestCredential(db, now);
  router.use('/caliper', countIngestRejections('caliper'));
  router.get('/caliper', caliperCredential, getCaliper(ingest.ingestMaxBytes));
  router.post('/caliper', caliperCredential, ingestRate, caliperJsonBody(ingest.ingestMaxBytes), postCaliper({ db, now, settings: ingest, reports }));

  // ltijs's own app: /lti/login, /lti/launch, /lti/keys, /lti/register (api.md).
  router.use(LTI_MOUNT, lti.provider.app);
  return router;
}
