// Starts the NHS.UK components (header menu, skip link, error summary...) on every page.
// The bundle's versioned name lets it be cached for a year; keep it equal to package.json.
import { initAll } from "/assets/nhsuk-frontend-10.6.1.min.js";

initAll();
