// The post editor: live preview rendered by the server's own renderer, similar questions while
// the title is typed, character counts, and one submit per form. Every form works without it.

const PREVIEW_DELAY_MS = 300;
const SIMILAR_DELAY_MS = 400;

function debounce(fn, delay) {
  let timer;
  return (...args) => {
    clearTimeout(timer);
    timer = setTimeout(() => fn(...args), delay);
  };
}

function csrfToken(element) {
  const form = element.closest("form");
  const field = form && form.querySelector("input[name=csrfmiddlewaretoken]");
  return field ? field.value : "";
}

function attachPreview(textarea) {
  const target = document.getElementById(textarea.dataset.previewTarget);
  if (!target) return;
  let inFlight = null;
  const refresh = async () => {
    if (inFlight) inFlight.abort();
    inFlight = new AbortController();
    const body = new URLSearchParams({ text: textarea.value });
    try {
      // The form says where the renderer is (core.links, so under any script prefix); the
      // question page's answer form does not say yet, and the site root is assumed there.
      const response = await fetch(textarea.dataset.previewUrl || "/markdown/preview", {
        method: "POST",
        body,
        headers: { "X-CSRFToken": csrfToken(textarea) },
        credentials: "same-origin",
        signal: inFlight.signal,
      });
      if (!response.ok) return;
      // Sanitised by the server (nh3 allow-list): the same HTML the saved post will show.
      target.innerHTML = await response.text();
      target.dataset.rendered = "true";
    } catch (error) {
      if (error.name !== "AbortError") target.dataset.rendered = "error";
    }
  };
  textarea.addEventListener("input", debounce(refresh, PREVIEW_DELAY_MS));
  if (textarea.value.trim()) refresh();
}

function attachCharCount(textarea) {
  const counter = textarea.parentElement.querySelector("[data-char-count]");
  if (!counter) return;
  const max = Number(textarea.getAttribute("maxlength")) || 0;
  const min = Number(textarea.getAttribute("minlength")) || 0;
  const update = () => {
    const length = textarea.value.length;
    if (min && length < min) counter.textContent = `${min - length} more characters needed`;
    else if (max) counter.textContent = `${max - length} characters left`;
    counter.classList.toggle("warn", max > 0 && max - length < 50);
  };
  textarea.addEventListener("input", update);
  update();
}

function attachSimilar(input) {
  const box = document.getElementById("similar-questions");
  if (!box) return;
  const list = box.querySelector("ul");
  const lookup = async () => {
    const title = input.value.trim();
    if (title.length < 8) {
      box.hidden = true;
      return;
    }
    const response = await fetch(`${input.dataset.similar}?title=${encodeURIComponent(title)}`);
    if (!response.ok) return;
    const { questions } = await response.json();
    list.replaceChildren(
      ...questions.map((question) => {
        const item = document.createElement("li");
        const score = document.createElement("span");
        score.className = "mini-score";
        score.textContent = question.score;
        const link = document.createElement("a");
        link.href = question.url;
        link.textContent = question.title;
        link.target = "_blank";
        item.append(score, " ", link);
        return item;
      }),
    );
    box.hidden = questions.length === 0;
  };
  input.addEventListener("input", debounce(lookup, SIMILAR_DELAY_MS));
}

function submitOnce(form) {
  form.addEventListener("submit", (event) => {
    if (form.dataset.submitting) {
      event.preventDefault();
      return;
    }
    form.dataset.submitting = "true";
    for (const button of form.querySelectorAll("button[type=submit]")) {
      button.setAttribute("aria-disabled", "true");
    }
  });
}

document.querySelectorAll("textarea[data-preview-target]").forEach(attachPreview);
document.querySelectorAll("textarea").forEach(attachCharCount);
document.querySelectorAll("input[data-similar]").forEach(attachSimilar);
document.querySelectorAll("form[data-once]").forEach(submitOnce);
