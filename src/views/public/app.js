// CoursePulse's own client code: htmx settings, and where the focus goes after "Show more".
// Everything else is server-rendered.
document.addEventListener('DOMContentLoaded', () => {
  if (!window.htmx) return;
  // Refusals (401/403/404/409) carry a message for the reader: swap them in like any answer.
  window.htmx.config.responseHandling = [
    { code: '204', swap: false },
    { code: '[23]..', swap: true },
    { code: '4..', swap: true, error: true },
    { code: '...', swap: false, error: true },
  ];

  // The overview's "Show more" (partials/overview-students-more.hbs) replaces itself with the next
  // rows, so the focus would fall to the page: it goes to the first new row's link instead, and the
  // new count is said in the list's live region, which exists before it changes (a live region
  // swapped in with the rows is not reliably announced). The link says both in data- attributes;
  // they are taken when its request starts, since the link is gone once the rows are in.
  // Other requests (the figures' 60-second refresh) may start and settle in between.
  const isMore = (elt) => elt instanceof HTMLElement && elt.matches('.student-more a[data-focus]');
  let more = null;
  document.body.addEventListener('htmx:beforeRequest', (event) => {
    const link = event.detail.elt;
    if (isMore(link)) more = { focus: link.dataset.focus, announce: link.dataset.announce };
  });
  document.body.addEventListener('htmx:afterRequest', (event) => {
    if (isMore(event.detail.elt) && !event.detail.successful) more = null;
  });
  document.body.addEventListener('htmx:afterSettle', () => {
    const row = more && document.getElementById(more.focus);
    if (!row) return;
    const status = document.getElementById('student-list-announce');
    if (status) status.textContent = more.announce;
    more = null;
    row.querySelector('th a')?.focus();
  });
});
