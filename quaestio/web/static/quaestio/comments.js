// "Add a comment" opens a small form in place instead of a separate page. The form posts to the
// same URL as the page it replaces, so the server's checks and messages are unchanged.

const MIN = 15;
const MAX = 600;

function csrfToken() {
  const field = document.querySelector("input[name=csrfmiddlewaretoken]");
  return field ? field.value : "";
}

function openCommentForm(event) {
  const link = event.target.closest("a.add-comment");
  if (!link || !csrfToken()) return;
  event.preventDefault();
  const container = link.closest(".comments");
  const existing = container.querySelector("form.inline-comment");
  if (existing) {
    existing.querySelector("textarea").focus();
    return;
  }
  const form = document.createElement("form");
  form.className = "inline-comment";
  form.method = "post";
  form.action = link.getAttribute("href");
  const token = document.createElement("input");
  token.type = "hidden";
  token.name = "csrfmiddlewaretoken";
  token.value = csrfToken();
  const label = document.createElement("label");
  label.className = "visually-hidden";
  label.textContent = "Comment";
  const text = document.createElement("textarea");
  text.name = "text";
  text.rows = 3;
  text.minLength = MIN;
  text.maxLength = MAX;
  text.required = true;
  text.id = `comment-text-${link.closest("[data-post-id]")?.dataset.postId || "new"}`;
  label.htmlFor = text.id;
  const count = document.createElement("span");
  count.className = "comment-count";
  count.setAttribute("aria-live", "polite");
  const button = document.createElement("button");
  button.type = "submit";
  button.className = "primary";
  button.textContent = "Add comment";
  text.addEventListener("input", () => {
    const length = text.value.length;
    count.textContent = length < MIN ? `${MIN - length} more to go` : `${MAX - length} characters left`;
  });
  form.addEventListener("submit", (submitEvent) => {
    if (form.dataset.submitting) submitEvent.preventDefault();
    form.dataset.submitting = "true";
  });
  form.append(token, label, text, button, count);
  container.append(form);
  text.focus();
}

document.addEventListener("click", openCommentForm);
