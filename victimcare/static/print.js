// "Print" on a document page: the button shows only when scripts run (no inline handlers:
// the content security policy allows scripts from this site only).
document.querySelectorAll("[data-print]").forEach((button) => {
  button.hidden = false;
  button.addEventListener("click", () => window.print());
});
