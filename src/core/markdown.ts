// Text from a benchmark file, a run file or a model, placed in Markdown (hovers, reports): shown
// as itself, never as HTML, a link, an image (which would load a remote URL) or a table column.

/**
 * Inline text: Markdown and HTML syntax characters are backslash-escaped (CommonMark §2.4). An
 * underscore inside a word cannot start emphasis, so MedQA_USLME_test stays as it reads.
 */
export const mdText = (s: string) => s.replace(/[\\`*[\]<>|&~!#]|(?<![\p{L}\p{N}])_|_(?![\p{L}\p{N}])/gu, '\\$&');

/** A table cell: inline text on one line (a line break would end the row). */
export const mdCell = (v: unknown) => (v === null || v === undefined ? '' : mdText(String(v).replace(/\r?\n|\r/g, ' ')));
