// The console's run page: asks for the run's counts every second while it sends, and shows
// them (the page works without this: it has a refresh link).
(() => {
  const panel = document.querySelector('[data-progress-url]');
  if (!panel) return;
  const field = (name) => panel.querySelector(`[data-field="${name}"]`);
  const bar = panel.querySelector('progress');
  async function poll() {
    const response = await fetch(panel.dataset.progressUrl, { headers: { accept: 'application/json' }, credentials: 'same-origin' }).catch(() => undefined);
    // A network hiccup: try again; signed out or gone: stop (the refresh link says the rest).
    if (!response) return void setTimeout(poll, 3000);
    if (!response.ok) return;
    const progress = await response.json();
    for (const name of ['sent', 'skipped', 'deferred', 'failed']) field(name).textContent = String(progress[name]);
    bar.max = progress.total || 1;
    bar.value = progress.total ? progress.done : 1;
    const status = field('status');
    status.textContent = status.dataset[progress.status];
    if (progress.status !== 'finished') setTimeout(poll, 1000);
  }
  setTimeout(poll, 1000);
})();
