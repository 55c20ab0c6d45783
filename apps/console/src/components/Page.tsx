/**
 * Every page's main landmark: a stable `data-page` name (the end-to-end tests find pages by it), one
 * <h1>, and the document title, so a screen reader and the browser history name the page.
 */
import { useEffect, useId, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';

export function Page({ name, title, intro, children }: { name: string; title: string; intro?: string; children?: ReactNode }) {
  const { t } = useTranslation();
  useEffect(() => {
    document.title = `${title} — ${t('app.name')}`;
  }, [title, t]);
  return (
    <main id="main" data-page={name} tabIndex={-1} className="page">
      <h1>{title}</h1>
      {intro ? <p className="intro">{intro}</p> : null}
      {children}
    </main>
  );
}

export function Section({ title, children, id }: { title: string; children: ReactNode; id?: string }) {
  const generated = useId();
  const headingId = `${id ?? generated}-heading`;
  return (
    <section aria-labelledby={headingId} className="section">
      <h2 id={headingId}>{title}</h2>
      {children}
    </section>
  );
}
