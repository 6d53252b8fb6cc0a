// Voting, accepting and comment upvotes without a page reload. Each form still works as a plain
// post when this script is absent: the server redirects back. Here we send the same post,
// ask for JSON, and update the count and the pressed state in place.
//
// Every post says what the user wants to be true (`intent`), read from what the page shows: a
// click on a pressed arrow asks for no vote, on another for that vote. A post sent twice, or
// after another tab changed the vote, then cannot undo itself.

function csrfToken(form) {
  const field = form.querySelector("input[name=csrfmiddlewaretoken]");
  if (field) return field.value;
  const cookie = document.cookie.split("; ").find((c) => c.startsWith("csrftoken="));
  return cookie ? decodeURIComponent(cookie.split("=")[1]) : "";
}

function showError(container, message) {
  let box = container.querySelector(".vote-error");
  if (!box) {
    box = document.createElement("div");
    box.className = "vote-error";
    box.setAttribute("role", "alert");
    container.append(box);
  }
  box.textContent = message;
  setTimeout(() => box.remove(), 6000);
}

function intentOf(form) {
  const pressed = form.querySelector("button")?.getAttribute("aria-pressed") === "true";
  if (form.classList.contains("accept-form")) return pressed ? "unaccept" : "accept";
  if (form.classList.contains("comment-vote-form")) return pressed ? "none" : "up";
  return pressed ? "none" : form.action.endsWith("/down") ? "down" : "up";
}

async function post(form) {
  const body = new FormData(form);
  // The page may have changed since the markup's own intent field was written (an earlier
  // click updated it in place): what the buttons show now is what the click means.
  body.set("intent", intentOf(form));
  const response = await fetch(form.action, {
    method: "POST",
    body,
    headers: { "X-CSRFToken": csrfToken(form), Accept: "application/json" },
    credentials: "same-origin",
  });
  let data = {};
  try {
    data = await response.json();
  } catch {
    data = { error: "Something went wrong; please reload the page." };
  }
  if (response.status === 401 && data.login) {
    window.location.href = `${data.login}?next=${encodeURIComponent(location.pathname)}`;
    return null;
  }
  return { ok: response.ok, data };
}

function updateVoteCell(cell, data) {
  const count = cell.querySelector(".vote-count");
  count.textContent = data.score;
  count.setAttribute("aria-label", `score ${data.score}`);
  for (const [selector, direction] of [[".vote-up", "up"], [".vote-down", "down"]]) {
    const button = cell.querySelector(selector);
    const pressed = data.vote === direction;
    button.classList.toggle("on", pressed);
    button.setAttribute("aria-pressed", pressed ? "true" : "false");
  }
}

function updateAccepted(data) {
  for (const button of document.querySelectorAll(".accept-form button")) {
    const answerId = Number(button.closest("[data-post-id]").dataset.postId);
    const accepted = answerId === data.accepted_answer_id;
    button.classList.toggle("on", accepted);
    button.setAttribute("aria-pressed", accepted ? "true" : "false");
    button.closest("article.answer")?.classList.toggle("accepted-answer", accepted);
  }
}

async function onSubmit(event) {
  const form = event.target.closest("form.vote-form, form.accept-form, form.comment-vote-form");
  // An anonymous reader's vote forms are plain GETs to the login page: let them go there.
  if (!form || form.method.toLowerCase() !== "post") return;
  event.preventDefault();
  const container = form.closest(".vote-cell, .comment-score") || form.parentElement;
  const result = await post(form);
  if (!result) return;
  if (!result.ok) return showError(container, result.data.error || "That didn't work.");
  if (form.classList.contains("vote-form")) updateVoteCell(container, result.data);
  else if (form.classList.contains("accept-form")) updateAccepted(result.data);
  else {
    const count = container.querySelector(".comment-score-count");
    if (count) count.textContent = result.data.score || "";
    form.querySelector("button").setAttribute("aria-pressed", result.data.voted ? "true" : "false");
  }
}

document.addEventListener("submit", onSubmit);

// A button the viewer may not use carries the server's reason (the page model's decision):
// a click shows it where a refused post would have, without sending anything.
document.addEventListener("click", (event) => {
  const button = event.target.closest("button[data-refusal]");
  if (!button) return;
  event.preventDefault();
  showError(button.closest(".vote-cell, .comment-score") || button.parentElement, button.dataset.refusal);
});
