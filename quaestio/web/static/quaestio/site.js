// Progressive enhancement for every page: each feature here also works without JavaScript.

function expandComments(event) {
  const link = event.target.closest(".show-comments");
  if (!link) return;
  event.preventDefault();
  const list = document.getElementById(`comments-${link.dataset.postId}`);
  list.classList.add("expanded");
  const first = list.querySelector(".comment-collapsed a, .comment-collapsed");
  history.replaceState(null, "", `#comments-${link.dataset.postId}`);
  if (first && first.focus) first.setAttribute("tabindex", "-1"), first.focus();
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
