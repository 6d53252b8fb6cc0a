// Progressive enhancement for every page: each feature here also works without JavaScript.

// "Show N more comments" leads to the page with every comment (?comments=all); here the post's
// full list is fetched from there and put in place of the shown few.
async function expandComments(event) {
  const link = event.target.closest(".show-comments");
  if (!link) return;
  event.preventDefault();
  const id = `comments-${link.dataset.postId}`;
  const response = await fetch(link.href, { credentials: "same-origin" });
  if (!response.ok) {
    window.location.href = link.href;
    return;
  }
  const page = new DOMParser().parseFromString(await response.text(), "text/html");
  const full = page.getElementById(id);
  const current = document.getElementById(id);
  if (!full || !current) return;
  const shown = new Set([...current.querySelectorAll(".comment")].map((c) => c.id));
  current.replaceWith(full);
  const first = [...full.querySelectorAll(".comment")].find((c) => !shown.has(c.id));
  if (first) first.setAttribute("tabindex", "-1"), first.focus();
}

function submitSortOnChange(event) {
  const select = event.target.closest(".answer-sort select");
  if (select) select.form.submit();
}

function revealSpoiler(event) {
  const spoiler = event.target.closest("blockquote.spoiler");
  if (spoiler) spoiler.classList.add("revealed");
}

document.addEventListener("click", expandComments);
document.addEventListener("click", revealSpoiler);
document.addEventListener("change", submitSortOnChange);

// Tag links show their tag's excerpt as hover text. Pages are rendered (and the question
// page's thread kept) without it, so an excerpt edit never goes stale in kept HTML: one
// cacheable request per page fetches the excerpts of the tags it links.
async function addTagExcerpts() {
  const links = [...document.querySelectorAll("a.tag[rel=tag]:not([title])")];
  const names = [...new Set(links.map((a) => a.textContent.trim()).filter(Boolean))].slice(0, 60);
  if (!names.length) return;
  const url = new URL("/tags/excerpts.json", document.baseURI);
  url.searchParams.set("names", names.join(","));
  try {
    const response = await fetch(url, { headers: { Accept: "application/json" } });
    if (!response.ok) return;
    const excerpts = await response.json();
    for (const link of links) {
      const text = excerpts[link.textContent.trim()];
      if (text) link.title = text;
    }
  } catch {
    // No hover text is not worth an error: the links work as they are.
  }
}

addTagExcerpts();
// --- The top bar's inbox and achievements counters and dropdowns ---------------------------
// The counters come with the page; while it stays open they are refreshed every minute from
// /users/top-bar.json, and by anything that dispatches a "quaestio:top-bar" event whose detail
// is that JSON ({inbox_unread, achievements_unseen, reputation}), e.g. a server-sent event.

const TOP_BAR_POLL_MS = 60_000;

function showCount(id, value) {
  const element = document.getElementById(id);
  if (!element || !Number.isInteger(value)) return;
  element.dataset.count = String(value);
  element.textContent = String(value);
  element.hidden = value === 0;
}

export function applyTopBarCounts(counts) {
  if (!counts) return;
  showCount("inbox-unread", counts.inbox_unread);
  showCount("achievements-unseen", counts.achievements_unseen);
}

async function refreshTopBar(url) {
  if (document.hidden) return;
  try {
    const response = await fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" });
    if (response.ok) applyTopBarCounts(await response.json());
  } catch {
    // Offline or the server restarting: the next round tries again.
  }
}

function closePanels(except) {
  for (const link of document.querySelectorAll(".top-counter[aria-expanded='true']")) {
    if (link === except) continue;
    link.setAttribute("aria-expanded", "false");
    document.getElementById(link.dataset.panel).hidden = true;
  }
}

async function togglePanel(event) {
  const link = event.target.closest(".top-counter[data-panel]");
  if (!link) {
    if (!event.target.closest(".top-panel")) closePanels(null);
    return;
  }
  if (event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey) return;
  event.preventDefault();
  const panel = document.getElementById(link.dataset.panel);
  const opening = panel.hidden;
  closePanels(link);
  panel.hidden = !opening;
  link.setAttribute("aria-expanded", String(opening));
  if (!opening) return;
  panel.textContent = "Loading…";
  const url = new URL(link.href);
  url.searchParams.set("fragment", "1");
  try {
    const response = await fetch(url, { credentials: "same-origin" });
    if (!response.ok) throw new Error(String(response.status));
    // Our own server-rendered, escaped fragment.
    panel.innerHTML = await response.text();
    const count = link.querySelector(".count");
    if (count) showCount(count.id, 0); // opening it read the inbox / saw the achievements
  } catch {
    window.location.assign(link.href);
  }
}

const account = document.querySelector(".account[data-top-bar-url]");
if (account) {
  const url = account.dataset.topBarUrl;
  setInterval(() => refreshTopBar(url), TOP_BAR_POLL_MS);
  document.addEventListener("visibilitychange", () => refreshTopBar(url));
  document.addEventListener("quaestio:top-bar", (event) => applyTopBarCounts(event.detail));
  document.addEventListener("click", togglePanel);
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape") closePanels(null);
  });
}
