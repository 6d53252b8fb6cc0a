// Images in the post editor: an "Image" button, dropping a file on the text, or pasting one.
// The file goes to the server (web/views/uploads.py), which checks, re-encodes and stores it,
// and its Markdown is written where the cursor is. Without JavaScript a post can still link
// an image by URL.

function csrfToken(element) {
  const form = element.closest("form");
  const field = form && form.querySelector("input[name=csrfmiddlewaretoken]");
  return field ? field.value : "";
}

function insertAtCursor(textarea, text) {
  const start = textarea.selectionStart ?? textarea.value.length;
  const end = textarea.selectionEnd ?? start;
  const before = textarea.value.slice(0, start);
  const lead = before && !before.endsWith("\n") ? "\n\n" : "";
  textarea.setRangeText(`${lead}${text}\n\n`, start, end, "end");
  textarea.dispatchEvent(new Event("input", { bubbles: true })); // the preview follows
  textarea.focus();
}

async function upload(textarea, file, status) {
  const data = new FormData();
  data.append("image", file);
  status.textContent = `Uploading ${file.name || "image"}…`;
  try {
    const response = await fetch(textarea.dataset.imageUpload || "/images/upload", {
      method: "POST",
      body: data,
      headers: { "X-CSRFToken": csrfToken(textarea) },
      credentials: "same-origin",
    });
    const answer = await response.json();
    if (!response.ok) {
      status.textContent = answer.error || "The image could not be uploaded.";
      return;
    }
    insertAtCursor(textarea, answer.markdown);
    status.textContent = "Image uploaded.";
  } catch (error) {
    status.textContent = "The image could not be uploaded; try again.";
  }
}

function imageFiles(list) {
  return [...(list || [])].filter((file) => file.type.startsWith("image/"));
}

function attachImageUpload(textarea) {
  const bar = document.createElement("div");
  bar.className = "image-upload";
  const picker = document.createElement("input");
  picker.type = "file";
  picker.accept = "image/png,image/jpeg,image/gif,image/webp";
  picker.hidden = true;
  const button = document.createElement("button");
  button.type = "button";
  button.className = "image-upload-button";
  button.textContent = "Image";
  button.setAttribute("aria-label", "Upload an image");
  const status = document.createElement("span");
  status.className = "image-upload-status";
  status.setAttribute("role", "status");
  bar.append(button, picker, status);
  textarea.before(bar);

  button.addEventListener("click", () => picker.click());
  picker.addEventListener("change", () => {
    imageFiles(picker.files).forEach((file) => upload(textarea, file, status));
    picker.value = "";
  });
  textarea.addEventListener("dragover", (event) => {
    if ([...event.dataTransfer.items].some((item) => item.type.startsWith("image/"))) {
      event.preventDefault();
      textarea.classList.add("dropping");
    }
  });
  textarea.addEventListener("dragleave", () => textarea.classList.remove("dropping"));
  textarea.addEventListener("drop", (event) => {
    const files = imageFiles(event.dataTransfer.files);
    textarea.classList.remove("dropping");
    if (!files.length) return;
    event.preventDefault();
    files.forEach((file) => upload(textarea, file, status));
  });
  textarea.addEventListener("paste", (event) => {
    const files = imageFiles(event.clipboardData && event.clipboardData.files);
    if (!files.length) return;
    event.preventDefault();
    files.forEach((file) => upload(textarea, file, status));
  });
}

document.querySelectorAll("textarea[data-preview-target]").forEach(attachImageUpload);
