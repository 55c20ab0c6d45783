/** The incident list's filters: kind, state, Japan-date period, municipality, kiosk. Applied on submit. */
import { useState } from 'react';
import { Button, Form, Input, Label, TextField } from 'react-aria-components';
import { useTranslation } from 'react-i18next';
import { IncidentKind, IncidentState } from '@madoguchi/shared';
import { Section } from '../components/Page.js';
import { PlainSelect } from '../forms/fields.js';

export interface IncidentFilter {
  kind?: IncidentKind;
  state?: IncidentState;
  from?: string;
  until?: string;
  municipalityCode?: string;
  terminalId?: string;
}

const ANY = 'any';

function PlainText({
  label,
  value,
  onChange,
  type = 'text',
}: {
  label: string;
  value: string;
  onChange: (v: string) => void;
  type?: string;
}) {
  return (
    <TextField className="field" value={value} onChange={onChange}>
      <Label>{label}</Label>
      <Input type={type} />
    </TextField>
  );
}

export function IncidentFilters({ initial, onApply }: { initial: IncidentFilter; onApply: (filter: IncidentFilter) => void }) {
  const { t } = useTranslation();
  const [draft, setDraft] = useState<Record<keyof IncidentFilter, string>>({
    kind: initial.kind ?? ANY,
    state: initial.state ?? ANY,
    from: initial.from ?? '',
    until: initial.until ?? '',
    municipalityCode: initial.municipalityCode ?? '',
    terminalId: initial.terminalId ?? '',
  });
  const set = (key: keyof IncidentFilter) => (value: string) => setDraft((d) => ({ ...d, [key]: value }));
  const apply = () => {
    const kind = IncidentKind.safeParse(draft.kind);
    const state = IncidentState.safeParse(draft.state);
    onApply({
      ...(kind.success ? { kind: kind.data } : {}),
      ...(state.success ? { state: state.data } : {}),
      ...(draft.from ? { from: draft.from } : {}),
      ...(draft.until ? { until: draft.until } : {}),
      ...(draft.municipalityCode.trim() ? { municipalityCode: draft.municipalityCode.trim() } : {}),
      ...(draft.terminalId.trim() ? { terminalId: draft.terminalId.trim() } : {}),
    });
  };
  return (
    <Section title={t('anomalies.filters')} id="incident-filters">
      <Form
        className="form filters"
        onSubmit={(e) => {
          e.preventDefault();
          apply();
        }}
      >
        <PlainSelect
          label={t('anomalies.kind')}
          value={draft.kind}
          onChange={set('kind')}
          options={[
            { id: ANY, label: t('anomalies.anyKind') },
            ...IncidentKind.options.map((k) => ({ id: k, label: t(`anomalies.kinds.${k}`) })),
          ]}
        />
        <PlainSelect
          label={t('anomalies.state')}
          value={draft.state}
          onChange={set('state')}
          options={[
            { id: ANY, label: t('anomalies.anyState') },
            ...IncidentState.options.map((s) => ({ id: s, label: t(`anomalies.states.${s}`) })),
          ]}
        />
        <PlainText label={t('anomalies.from')} value={draft.from} onChange={set('from')} type="date" />
        <PlainText label={t('anomalies.until')} value={draft.until} onChange={set('until')} type="date" />
        <PlainText label={t('anomalies.municipalityCode')} value={draft.municipalityCode} onChange={set('municipalityCode')} />
        <PlainText label={t('anomalies.terminalId')} value={draft.terminalId} onChange={set('terminalId')} />
        <div className="actions">
          <Button type="submit" className="button">
            {t('anomalies.apply')}
          </Button>
          <Button
            className="button secondary"
            onPress={() => {
              setDraft({ kind: ANY, state: ANY, from: '', until: '', municipalityCode: '', terminalId: '' });
              onApply({});
            }}
          >
            {t('anomalies.clear')}
          </Button>
        </div>
      </Form>
    </Section>
  );
}
