/**
 * A PDF (a 見本 sample) drawn page by page into <canvas> with pdf.js: headless Chromium has no PDF
 * viewer, and a canvas needs no plug-in. pdf.js runs its parser in a module worker served from
 * /console/assets ('self'); eval is off, as the center's CSP forbids it.
 */
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { fromBase64 } from '../seal/seal-file.js';
import { ErrorMessage, Loading } from './messages.js';
import { ConsoleError } from '../api/console-client.js';

async function loadPdfJs() {
  const [pdfjs, worker] = await Promise.all([import('pdfjs-dist'), import('pdfjs-dist/build/pdf.worker.min.mjs?url')]);
  pdfjs.GlobalWorkerOptions.workerSrc = worker.default;
  return pdfjs;
}

async function renderPages(pdfBase64: string, container: HTMLElement, label: (n: number, total: number) => string): Promise<void> {
  const pdfjs = await loadPdfJs();
  const document = await pdfjs.getDocument({ data: fromBase64(pdfBase64), isEvalSupported: false }).promise;
  container.replaceChildren();
  for (let n = 1; n <= document.numPages; n++) {
    const page = await document.getPage(n);
    const viewport = page.getViewport({ scale: 1.5 });
    const canvas = window.document.createElement('canvas');
    canvas.width = Math.floor(viewport.width);
    canvas.height = Math.floor(viewport.height);
    canvas.setAttribute('role', 'img');
    canvas.setAttribute('aria-label', label(n, document.numPages));
    canvas.className = 'pdf-page';
    container.append(canvas);
    await page.render({ canvas, viewport }).promise;
  }
  await document.destroy();
}

export function PdfPreview({ pdfBase64 }: { pdfBase64: string }) {
  const { t } = useTranslation();
  const container = useRef<HTMLDivElement>(null);
  const [state, setState] = useState<'rendering' | 'done' | 'failed'>('rendering');
  useEffect(() => {
    if (!container.current) return;
    setState('rendering');
    renderPages(pdfBase64, container.current, (n, total) => t('previews.page', { n, total }))
      .then(() => setState('done'))
      .catch((error: unknown) => {
        console.warn('sample could not be drawn:', error instanceof Error ? error.name : 'unknown');
        setState('failed');
      });
  }, [pdfBase64, t]);
  return (
    <div className="pdf-preview" data-rendered={state}>
      {state === 'rendering' ? <Loading /> : null}
      {state === 'failed' ? <ErrorMessage error={new ConsoleError('INTERNAL', 0)} /> : null}
      <div ref={container} className="pdf-pages" />
    </div>
  );
}
