// The console's rich text editor (bundled by scripts/build-assets.ts into public/assets/editor.js).
// Progressive enhancement: the page's HTML textarea stays the form field and the no-JS fallback;
// this hides it, edits the same HTML with TipTap behind a toolbar, and writes the HTML back before
// the form is sent, so the server's sanitiser sees exactly what it would see without JS.
import { Editor } from '@tiptap/core';
import Image from '@tiptap/extension-image';
import StarterKit from '@tiptap/starter-kit';

type Command = (editor: Editor, url?: string) => void;

// What each toolbar button does, and (for toggles) which mark or node it shows as pressed.
const COMMANDS: Record<string, { run: Command; active?: [string, object?] }> = {
  heading: { run: (editor) => editor.chain().focus().toggleHeading({ level: 2 }).run(), active: ['heading', { level: 2 }] },
  subheading: { run: (editor) => editor.chain().focus().toggleHeading({ level: 3 }).run(), active: ['heading', { level: 3 }] },
  bold: { run: (editor) => editor.chain().focus().toggleBold().run(), active: ['bold'] },
  italic: { run: (editor) => editor.chain().focus().toggleItalic().run(), active: ['italic'] },
  bulletList: { run: (editor) => editor.chain().focus().toggleBulletList().run(), active: ['bulletList'] },
  orderedList: { run: (editor) => editor.chain().focus().toggleOrderedList().run(), active: ['orderedList'] },
  blockquote: { run: (editor) => editor.chain().focus().toggleBlockquote().run(), active: ['blockquote'] },
  link: {
    run: (editor, url) => {
      const chain = editor.chain().focus().extendMarkRange('link');
      (url ? chain.setLink({ href: url }) : chain.unsetLink()).run();
    },
    active: ['link'],
  },
  image: { run: (editor, url) => void (url && editor.chain().focus().setImage({ src: url, alt: '' }).run()) },
};

function enhance(textarea: HTMLTextAreaElement, toolbarTemplate: HTMLTemplateElement): void {
  const toolbar = toolbarTemplate.content.firstElementChild!.cloneNode(true) as HTMLElement;
  const surface = document.createElement('div');
  surface.className = 'rich-editor';
  textarea.before(toolbar, surface);
  textarea.hidden = true;
  // A hidden required field would stop the form with a message nobody can see.
  textarea.required = false;
  const labelId = `${textarea.id}-label`;
  const editor = new Editor({
    element: surface,
    extensions: [
      StarterKit.configure({
        heading: { levels: [2, 3] },
        // No empty paragraph kept after a last list or quote: it would be stored as <p></p>.
        trailingNode: false,
        link: { openOnClick: false, protocols: ['mailto'], HTMLAttributes: { rel: 'noopener noreferrer', target: null } },
      }),
      Image,
    ],
    content: textarea.value,
    editorProps: {
      attributes: { class: 'input rich-editor__content', role: 'textbox', 'aria-multiline': 'true', 'aria-labelledby': labelId, 'aria-describedby': textarea.getAttribute('aria-describedby') ?? '' },
    },
  });
  const buttons = [...toolbar.querySelectorAll<HTMLButtonElement>('button[data-command]')];
  const showState = () => {
    for (const button of buttons) {
      const active = COMMANDS[button.dataset.command!]?.active;
      if (active) button.setAttribute('aria-pressed', String(editor.isActive(...active)));
    }
  };
  editor.on('transaction', showState);
  showState();

  for (const button of buttons) {
    button.addEventListener('click', () => {
      const command = COMMANDS[button.dataset.command!];
      if (!button.dataset.prompt) return command.run(editor);
      const current = button.dataset.command === 'link' ? String(editor.getAttributes('link').href ?? '') : '';
      const url = window.prompt(button.dataset.prompt, current);
      if (url !== null) command.run(editor, url.trim());
    });
  }
  // One tab stop for the whole toolbar; arrows move between its buttons (the ARIA toolbar pattern).
  buttons.forEach((button, index) => (button.tabIndex = index === 0 ? 0 : -1));
  toolbar.addEventListener('keydown', (event) => {
    const steps: Record<string, number> = { ArrowRight: 1, ArrowLeft: -1 };
    const current = buttons.indexOf(document.activeElement as HTMLButtonElement);
    if (current < 0) return;
    let next: number;
    if (event.key in steps) next = (current + steps[event.key] + buttons.length) % buttons.length;
    else if (event.key === 'Home') next = 0;
    else if (event.key === 'End') next = buttons.length - 1;
    else return;
    event.preventDefault();
    buttons[current].tabIndex = -1;
    buttons[next].tabIndex = 0;
    buttons[next].focus();
  });
  textarea.form?.addEventListener('submit', () => {
    textarea.value = editor.isEmpty ? '' : editor.getHTML();
  });
}

const toolbarTemplate = document.querySelector<HTMLTemplateElement>('template#rich-editor-toolbar');
const textarea = document.querySelector<HTMLTextAreaElement>('textarea[data-rich-editor]');
if (toolbarTemplate && textarea) enhance(textarea, toolbarTemplate);
