// The editor's related-articles picker (bundled into public/assets/related-picker.js): a search
// over titles, answered by /admin/articles/titles, whose results add an article's slug to the
// related field. Without JS the field alone still takes slugs.
interface Found {
  slug: string;
  title: string;
}

function enhance(picker: HTMLElement, template: HTMLTemplateElement): void {
  const related = picker.querySelector<HTMLInputElement>('input#related')!;
  picker.append(template.content.cloneNode(true));
  const search = picker.querySelector<HTMLInputElement>('#related-search-field')!;
  const status = picker.querySelector<HTMLElement>('[role="status"]')!;
  const results = picker.querySelector<HTMLUListElement>('.related-picker__results')!;
  const slugs = () => related.value.split(',').map((slug) => slug.trim()).filter(Boolean);

  function show(found: Found[]): void {
    results.replaceChildren(
      ...found.map((article) => {
        const button = document.createElement('button');
        button.type = 'button';
        button.className = 'button button--quiet';
        button.textContent = results.dataset.add!.replace('{title}', article.title);
        button.disabled = slugs().includes(article.slug);
        button.addEventListener('click', () => {
          related.value = [...slugs(), article.slug].join(', ');
          button.disabled = true;
          search.focus();
        });
        const item = document.createElement('li');
        item.append(button);
        return item;
      }),
    );
    status.textContent = status.dataset.found!.replace('{n}', String(found.length));
  }

  let asked = 0;
  search.addEventListener('input', async () => {
    const question = ++asked;
    const words = search.value.trim();
    if (!words) return show([]);
    const response = await fetch(`${picker.dataset.titlesUrl}?q=${encodeURIComponent(words)}`, { headers: { accept: 'application/json' }, credentials: 'same-origin' }).catch(() => undefined);
    // An answer to an older question, or none (signed out, offline): the field still takes slugs.
    if (question !== asked || !response?.ok) return;
    show((await response.json()) as Found[]);
  });
}

const picker = document.querySelector<HTMLElement>('.related-picker[data-titles-url]');
const template = document.querySelector<HTMLTemplateElement>('template#related-search');
if (picker && template) enhance(picker, template);
