// Live updates (quaestio/live/): one server-sent-event stream per page. The events only say
// that something changed; the page then reads what (a small JSON state, or the page's own
// HTML for new comments and edits), so every event is safe to lose: a reconnect sends
// Last-Event-ID and the server replays what was missed, or says "reset" and the page re-reads.

const streamUrl = document.querySelector('meta[name="live-stream"]')?.content;
const questionPage = document.querySelector("[data-live-question]");
const questionList = document.querySelector("[data-live-questions]");
const room = document.querySelector("[data-live-room]");
const signedIn = Boolean(document.querySelector(".account .me"));

function wantedChannels() {
  const params = new URLSearchParams();
  if (questionPage) params.set("question", questionPage.dataset.liveQuestion);
  if (questionList) params.set("questions", "1");
  if (room) params.set("room", room.dataset.liveRoom);
  return params;
}

function debounce(run, ms) {
  let timer = null;
  return () => {
    clearTimeout(timer);
    timer = setTimeout(run, ms);
  };
}

function banner(id, container, where) {
  let box = document.getElementById(id);
  if (!box) {
    box = document.createElement("button");
    box.type = "button";
    box.id = id;
    box.className = "live-banner";
    box.setAttribute("aria-live", "polite");
    container.insertAdjacentElement(where, box);
  }
  return box;
}

// --- the question page -------------------------------------------------------------------

async function freshPage() {
  const response = await fetch(location.pathname + location.search, { credentials: "same-origin" });
  if (!response.ok) return null;
  return new DOMParser().parseFromString(await response.text(), "text/html");
}

function shownAnswerIds() {
  return new Set([...document.querySelectorAll("article.answer")].map((a) => a.dataset.postId));
}

function updateScore(postId, score) {
  const count = document.querySelector(`.vote-cell[data-post-id="${postId}"] .vote-count`);
  if (count && count.textContent.trim() !== String(score)) {
    count.textContent = String(score);
    count.setAttribute("aria-label", `score ${score}`);
    count.classList.add("live-changed");
  }
}

function replaceFrom(doc, selector) {
  const fresh = doc.querySelector(selector);
  const shown = document.querySelector(selector);
  if (fresh && shown && !shown.contains(document.activeElement)) shown.replaceWith(fresh);
}

async function checkThread() {
  const id = questionPage.dataset.liveQuestion;
  const response = await fetch(`/live/questions/${id}/state.json`, { credentials: "same-origin" });
  if (!response.ok) return;
  const state = await response.json();
  const shown = shownAnswerIds();
  const newAnswers = state.answers.filter((a) => !shown.has(String(a)));
  const changed = [];
  for (const [postId, post] of Object.entries(state.posts)) {
    updateScore(postId, post.score);
    const comments = document.getElementById(`comments-${postId}`);
    const body = document.querySelector(`[data-post-id="${postId}"] .post-body`);
    if (comments && Number(comments.dataset.commentCount) !== post.comments) changed.push(`#comments-${postId}`);
    if (body && (body.dataset.edited || null) !== post.edited) changed.push(`[data-post-id="${postId}"] .post-body`);
  }
  if (changed.length) {
    const doc = await freshPage();
    if (doc) changed.forEach((selector) => replaceFrom(doc, selector));
  }
  if (newAnswers.length) showNewAnswers(newAnswers.length);
}

function showNewAnswers(count) {
  const answers = document.getElementById("answers");
  const box = banner("live-new-answers", answers.querySelector(".answers-header"), "afterend");
  box.textContent = `${count} new answer${count === 1 ? "" : "s"} — click to load`;
  box.onclick = async () => {
    const doc = await freshPage();
    const fresh = doc?.getElementById("answers");
    if (fresh) answers.replaceWith(fresh);
  };
}

// --- question lists ----------------------------------------------------------------------

const active = new Set();

function noteActivity(questionId) {
  active.add(questionId);
  const box = banner("live-list-activity", questionList, "beforebegin");
  const n = active.size;
  box.textContent = `${n} question${n === 1 ? "" : "s"} with new activity`;
  box.onclick = () => location.reload();
}

// --- the top bar -------------------------------------------------------------------------

async function refreshTopBar() {
  const response = await fetch("/users/top-bar.json", { credentials: "same-origin" });
  if (!response.ok) return;
  const counts = await response.json();
  // The top bar's counts (notifications' top_bar_counts); either spelling of the keys.
  for (const [id, keys] of [
    ["inbox-unread", ["inbox_unread", "inbox"]],
    ["achievements-unseen", ["achievements_unseen", "achievements"]],
  ]) {
    const element = document.getElementById(id);
    const key = keys.find((name) => name in counts);
    if (element && key) {
      const value = Number(counts[key]) || 0;
      element.dataset.count = String(value);
      element.textContent = value ? String(value) : "";
    }
  }
  const rep = document.querySelector(".account .me .rep");
  if (rep && counts.reputation_short) rep.textContent = counts.reputation_short;
}

// --- the stream --------------------------------------------------------------------------

function connect() {
  const params = wantedChannels();
  if (!streamUrl || (!params.toString() && !signedIn)) return;
  const source = new EventSource(`${streamUrl}?${params}`, { withCredentials: true });
  const thread = questionPage ? debounce(checkThread, 250) : null;
  const topBar = debounce(refreshTopBar, 250);
  source.addEventListener("thread", (event) => {
    const data = JSON.parse(event.data);
    if (thread && String(data.q) === questionPage.dataset.liveQuestion) thread();
    if (questionList) noteActivity(data.q);
  });
  source.addEventListener("reset", () => {
    if (thread) thread();
    topBar();
  });
  source.addEventListener("inbox", topBar);
  source.addEventListener("reputation", topBar);
  for (const kind of ["message", "message-edited", "star"]) {
    source.addEventListener(kind, (event) => {
      document.dispatchEvent(new CustomEvent("live:room", { detail: { kind, data: JSON.parse(event.data) } }));
    });
  }
  window.quaestioLive = source; // the browser tests read its state
}

connect();
