// The "Print this page" button: hidden unless scripts run, it opens the browser's print dialogue.
// Kept in a file of its own, since the content security policy allows no inline script.
for (const button of document.querySelectorAll("[data-print-page]")) {
  button.hidden = false;
  button.addEventListener("click", () => window.print());
}
