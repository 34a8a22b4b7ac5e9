// CoursePulse's own client code: htmx settings only. Everything else is server-rendered.
document.addEventListener('DOMContentLoaded', () => {
  if (!window.htmx) return;
  // Refusals (401/403/404/409) carry a message for the reader: swap them in like any answer.
  window.htmx.config.responseHandling = [
    { code: '204', swap: false },
    { code: '[23]..', swap: true },
    { code: '4..', swap: true, error: true },
    { code: '...', swap: false, error: true },
  ];
});
