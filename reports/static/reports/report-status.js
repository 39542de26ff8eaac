// Polls a report's status while it is queued or building, and shows progress without a manual reload.
// When the build finishes the page reloads once to show the download link (or the error for officers).
const panel = document.getElementById("report-status");

if (panel && panel.dataset.finished === "false") {
  const url = panel.dataset.statusUrl;
  const step = document.getElementById("report-status-step");
  const progress = document.getElementById("report-progress");
  const label = document.getElementById("report-status-label");
  let delay = 1500;

  const poll = async () => {
    try {
      const response = await fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" });
      if (response.ok) {
        const status = await response.json();
        if (status.finished) {
          window.location.reload();
          return;
        }
        step.textContent = status.step;
        label.textContent = status.status_label;
        if (progress) {
          progress.value = status.progress;
          progress.textContent = `${status.progress}%`;
        }
        delay = 1500;
      } else {
        delay = Math.min(delay * 2, 30000);
      }
    } catch (error) {
      delay = Math.min(delay * 2, 30000);
    }
    window.setTimeout(poll, delay);
  };
  window.setTimeout(poll, delay);
}
