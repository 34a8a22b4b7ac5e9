/** A report asked for something its course does not have (a group id of another course, say): the routes answer 404 with the message. */
export class ReportNotFound extends Error {
  override name = 'ReportNotFound';
}
