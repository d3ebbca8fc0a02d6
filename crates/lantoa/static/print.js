// The printable report's "Print / Save as PDF" button (no inline scripts: CSP).
document.getElementById("print")?.addEventListener("click", () => window.print());
