/** Text of each page of a PDF, as a reader (pdf.js via unpdf) extracts it, whitespace removed. */
import { extractText, getDocumentProxy } from 'unpdf';

export async function pageTexts(pdf: Uint8Array): Promise<string[]> {
  const doc = await getDocumentProxy(new Uint8Array(pdf));
  const { text } = await extractText(doc, { mergePages: false });
  await doc.destroy();
  return text.map(compact);
}

export const compact = (s: string): string => s.replace(/\s+/g, '');
