/**
 * The head's title and name, the note printed by the seal, and the 公印 image: a new image is
 * checked in the page (PNG, size), previewed on a rendered sample, and only then saved.
 */
import { useRef, useState } from 'react';
import { useForm } from 'react-hook-form';
import { zodResolver } from '@hookform/resolvers/zod';
import { Button, FileTrigger, Form } from 'react-aria-components';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { MAX_SEAL_SIZE_MM, PutHeadRequest, SealUpload, type MunicipalityOverview } from '@madoguchi/shared';
import type { z } from 'zod';
import { callConsole } from '../api/console.js';
import { Page, Section } from '../components/Page.js';
import { ErrorMessage, QueryState, StatusMessage } from '../components/messages.js';
import { ImageCanvas } from '../components/canvases.js';
import { PdfPreview } from '../components/PdfPreview.js';
import { TextFormField } from '../forms/fields.js';
import { useServerIssues } from '../forms/use-server-issues.js';
import { fromBase64, sealFileProblem, toBase64, type SealFileProblem } from '../seal/seal-file.js';
import { useMunicipalityPage } from './municipality-page.js';

type HeadForm = z.input<typeof PutHeadRequest>;
type SealForm = z.input<typeof SealUpload>;

function HeadForm({
  overview,
  mayChange,
  onSaved,
}: {
  overview: MunicipalityOverview;
  mayChange: boolean;
  onSaved: (o: MunicipalityOverview) => void;
}) {
  const { t } = useTranslation();
  const form = useForm<HeadForm>({
    resolver: zodResolver(PutHeadRequest),
    defaultValues: { title: overview.head.title, name: overview.head.name, sealNote: overview.sealNote },
  });
  const server = useServerIssues(form.setError);
  const [status, setStatus] = useState<string | null>(null);
  const onSubmit = form.handleSubmit(async (body) => {
    server.clear();
    setStatus(null);
    try {
      onSaved(await callConsole('putHead', { params: { municipalityCode: overview.municipality.code }, body }));
      setStatus(t('common.saved'));
    } catch (error) {
      server.report(error);
    }
  });
  return (
    <Form onSubmit={(e) => void onSubmit(e)} className="form narrow">
      <TextFormField control={form.control} name="title" label={t('head.jobTitle')} isDisabled={!mayChange} />
      <TextFormField control={form.control} name="name" label={t('head.name')} isDisabled={!mayChange} />
      <TextFormField control={form.control} name="sealNote" label={t('head.sealNote')} isDisabled={!mayChange} />
      {server.error ? <ErrorMessage error={server.error} /> : null}
      <StatusMessage text={status} />
      {mayChange ? (
        <Button type="submit" className="button" isDisabled={form.formState.isSubmitting}>
          {t('head.saveHead')}
        </Button>
      ) : null}
    </Form>
  );
}

function CurrentSeal({ code }: { code: string }) {
  const { t } = useTranslation();
  const seal = useQuery({ queryKey: ['seal', code], queryFn: () => callConsole('seal', { params: { municipalityCode: code } }) });
  return (
    <QueryState query={seal}>
      {(s) => (
        <figure className="current-seal">
          <ImageCanvas bytes={fromBase64(s.pngBase64)} label={t('head.current')} />
          <figcaption>
            {t('head.current')} — {t('head.currentSize', { size: s.sizeMm })}
          </figcaption>
        </figure>
      )}
    </QueryState>
  );
}

function SealUploadForm({ code, sizeMm, onSaved }: { code: string; sizeMm: number; onSaved: () => void }) {
  const { t } = useTranslation();
  // Cleared after each choice, so choosing the same (edited) file again is a new choice.
  const fileInput = useRef<HTMLInputElement>(null);
  const client = useQueryClient();
  const [file, setFile] = useState<{ name: string; bytes: Uint8Array<ArrayBuffer> } | null>(null);
  const [problem, setProblem] = useState<SealFileProblem | null>(null);
  const [status, setStatus] = useState<string | null>(null);
  const form = useForm<SealForm>({
    resolver: zodResolver(SealUpload),
    defaultValues: { imageBase64: '', sizeMm: Math.min(sizeMm, MAX_SEAL_SIZE_MM) },
  });
  const server = useServerIssues(form.setError);
  const preview = useMutation({ mutationFn: (body: SealForm) => callConsole('previewSeal', { params: { municipalityCode: code }, body }) });
  const choose = async (files: FileList | null) => {
    const chosen = files?.[0];
    if (!chosen) return;
    const bytes = new Uint8Array(await chosen.arrayBuffer());
    if (fileInput.current) fileInput.current.value = '';
    setStatus(null);
    preview.reset();
    setProblem(sealFileProblem(bytes));
    setFile({ name: chosen.name, bytes });
    form.setValue('imageBase64', sealFileProblem(bytes) ? '' : toBase64(bytes));
  };
  const save = form.handleSubmit(async (body) => {
    server.clear();
    try {
      await callConsole('putSeal', { params: { municipalityCode: code }, body });
      await client.invalidateQueries({ queryKey: ['seal', code] });
      onSaved();
      setStatus(t('common.saved'));
    } catch (error) {
      server.report(error);
    }
  });
  const ready = Boolean(file) && !problem;
  return (
    <Form onSubmit={(e) => void save(e)} className="form">
      <FileTrigger ref={fileInput} acceptedFileTypes={['image/png']} onSelect={(files) => void choose(files)}>
        <Button className="button secondary">{t('head.upload')}</Button>
      </FileTrigger>
      {file ? <p>{t('head.chosen', { name: file.name })}</p> : null}
      {problem ? (
        <p role="alert" className="error-message">
          {t(`head.problems.${problem}`)}
        </p>
      ) : null}
      {file && !problem ? <ImageCanvas bytes={file.bytes} label={t('head.chosen', { name: file.name })} /> : null}
      <TextFormField control={form.control} name="sizeMm" label={t('head.sizeMm')} numeric inputMode="text" />
      {server.error ? <ErrorMessage error={server.error} /> : null}
      {preview.error ? <ErrorMessage error={preview.error} /> : null}
      <StatusMessage text={status} />
      <div className="actions">
        <Button
          className="button secondary"
          isDisabled={!ready || preview.isPending}
          onPress={() => void form.handleSubmit((body) => preview.mutate(body))()}
        >
          {t('head.preview')}
        </Button>
        <Button type="submit" className="button" isDisabled={!ready || !preview.data || form.formState.isSubmitting}>
          {t('head.saveSeal')}
        </Button>
      </div>
      {preview.data ? (
        <Section title={t('head.previewTitle')}>
          <PdfPreview pdfBase64={preview.data.pdfBase64} />
        </Section>
      ) : null}
    </Form>
  );
}

export function HeadSealPage() {
  const { t } = useTranslation();
  const page = useMunicipalityPage();
  return (
    <Page name="head-seal" title={t('head.title')}>
      <QueryState query={page.overview}>
        {(overview) => (
          <>
            <Section title={t('head.headTitle')}>
              <HeadForm overview={overview} mayChange={page.mayChange} onSaved={page.updated} />
            </Section>
            <Section title={t('head.sealTitle')}>
              <CurrentSeal code={page.code} />
              {page.mayChange ? (
                <SealUploadForm code={page.code} sizeMm={overview.sealSizeMm} onSaved={() => void page.invalidate()} />
              ) : null}
            </Section>
          </>
        )}
      </QueryState>
    </Page>
  );
}
