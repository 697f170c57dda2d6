// Keeps a print job's page up to date while the job runs: asks the server how far it has got
// every two seconds, moves the bar and says the progress to screen readers (an aria-live
// paragraph), and reloads the page once the job has ended, so its download link or the reason it
// failed appears. Kept in a file of its own, since the content security policy allows no inline script.
const POLL_MS = 2000;
// Screen readers hear the progress at most this often, not at every poll, which would talk over
// whatever else the person is reading.
const ANNOUNCE_MS = 10000;
let announcedAt = Date.now();

const panel = document.getElementById("print-job");
const statusUrl = panel?.dataset.statusUrl;

async function poll() {
  let job;
  try {
    const response = await fetch(statusUrl, { headers: { Accept: "application/json" }, cache: "no-store" });
    if (!response.ok) {
      throw new Error(`status ${response.status}`);
    }
    job = await response.json();
  } catch {
    // A dropped connection or a restarting server: ask again later; the Refresh link still works.
    window.setTimeout(poll, POLL_MS * 2);
    return;
  }
  const bar = document.getElementById("print-job-bar");
  if (job.total) {
    bar.max = job.total;
    bar.value = job.done;
  }
  bar.textContent = job.text;
  const text = document.getElementById("print-job-text");
  if (text.textContent !== job.text && Date.now() - announcedAt >= ANNOUNCE_MS) {
    text.textContent = job.text;
    announcedAt = Date.now();
  }
  if (job.status === "queued" || job.status === "running") {
    window.setTimeout(poll, POLL_MS);
  } else {
    window.location.reload();
  }
}

if (statusUrl) {
  window.setTimeout(poll, POLL_MS);
}
