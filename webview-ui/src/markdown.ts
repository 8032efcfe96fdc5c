// Model text → safe HTML. Model output is untrusted: raw HTML in it is shown as text (marked's
// html tokens are escaped), then DOMPurify removes anything active that markdown itself could
// produce (scripts, event handlers, remote images, styles).
import createDOMPurify from 'dompurify';
import { Marked } from 'marked';

const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** Markdown → sanitized nodes, ready to insert (no second HTML parse). */
export type ToHtml = (markdown: string) => DocumentFragment;

export function markdownRenderer(win: Window & typeof globalThis): ToHtml {
  const purify = createDOMPurify(win);
  const marked = new Marked({
    gfm: true,
    breaks: true,
    async: false,
    renderer: {
      html: ({ text }) => escapeHtml(text),
      // An image in model output would fetch a remote URL: show its alt text and address instead.
      image: ({ href, text }) => `<span class="md-image">[image: ${escapeHtml(text || '')} ${escapeHtml(href ?? '')}]</span>`,
    },
  });
  return (markdown) =>
    purify.sanitize(marked.parse(markdown) as string, {
      RETURN_DOM_FRAGMENT: true,
      FORBID_TAGS: ['img', 'style', 'script', 'iframe', 'form', 'input', 'button', 'svg', 'math', 'video', 'audio', 'source', 'object', 'embed', 'link', 'meta'],
      FORBID_ATTR: ['style', 'src', 'srcset', 'action', 'formaction'],
      ALLOWED_URI_REGEXP: /^(?:https?:|mailto:|#)/i,
    });
}
