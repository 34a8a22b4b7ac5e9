// Dynamic Registration's last step (LTI DR 1.0 §3.6): tell the LMS the tool is done, to the tab
// that opened this one or the frame that holds it. A file rather than an inline script, so the
// page keeps the strict CSP (src/routes/security-headers.ts).
(window.opener || window.parent).postMessage({ subject: 'org.imsglobal.lti.close' }, '*');
