/**
 * `coursepulse audit`: the audit log of report views from the running server's admin API
 * (`GET /admin/api/audit`), newest first, as a table or JSON. The server checks the filters; a
 * page that has more after it ends with the `--cursor` that continues it.
 */

/** The part of the command's admin client this needs. */
export interface AuditClient {
  request<T>(method: 'GET', route: string): Promise<T>;
}

export interface AuditOptions {
  platform?: string;
  course?: string;
  student?: string;
  since?: string;
  until?: string;
  limit?: string;
  cursor?: string;
  json: boolean;
}

interface AuditPage {
  views: Array<{ viewedAt: string; platform: string; course: string; viewer: string; viewerRoles: string[]; student: string | null; view: string; requestId: string | null }>;
  next: string | null;
}

export async function auditCommand(options: AuditOptions, client: AuditClient, out: (text: string) => void, columns: (rows: string[][]) => string): Promise<void> {
  const { json, ...filters } = options;
  const query = new URLSearchParams(Object.entries(filters).filter((entry): entry is [string, string] => entry[1] !== undefined));
  const page = await client.request<AuditPage>('GET', `/audit${query.size ? `?${query.toString()}` : ''}`);
  if (json) return out(`${JSON.stringify(page, null, 2)}\n`);
  if (page.views.length === 0) return out('No report views match.\n');
  out(
    columns([
      ['VIEWED AT (UTC)', 'PLATFORM', 'COURSE', 'VIEWER', 'STUDENT', 'VIEW', 'REQUEST ID'],
      ...page.views.map((v) => [v.viewedAt.slice(0, 19).replace('T', ' '), v.platform, v.course, v.viewer, v.student ?? '-', v.view, v.requestId ?? '']),
    ]),
  );
  if (page.next) out(`More: add --cursor ${page.next}\n`);
}
