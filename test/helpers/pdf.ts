import { PDFParse } from 'pdf-parse';

/** A PDF's text read back (pdf-parse), with line breaks and runs of spaces as one space (so wrapped lines read whole), and its number of pages. */
export async function pdfText(file: Buffer | Uint8Array): Promise<{ text: string; pages: number }> {
  const parser = new PDFParse({ data: new Uint8Array(file) });
  try {
    const r = await parser.getText({ pageJoiner: '' });
    return { text: r.text.replace(/\s+/g, ' '), pages: r.pages.length };
  } finally {
    await parser.destroy();
  }
}
