/**
 * The period (two Japan dates, checked with the shared schema: to ≥ from, at most 400 days) and,
 * for operators and auditors, the municipality. Applied on submit; the page keeps them in the address.
 */
import { useState } from 'react';
import { useForm } from 'react-hook-form';
import { zodResolver } from '@hookform/resolvers/zod';
import { Button, Form } from 'react-aria-components';
import { useTranslation } from 'react-i18next';
import { STATISTICS_MAX_DAYS, StatisticsQuery } from '@madoguchi/shared';
import type { z } from 'zod';
import { Section } from '../components/Page.js';
import { DateFormField } from '../forms/date-fields.js';
import { PlainSelect } from '../forms/fields.js';

const ALL = 'all';
type FilterValues = z.input<typeof StatisticsQuery>;

export function StatisticsFilters({
  from,
  to,
  municipalityCode,
  municipalities,
  onApply,
}: {
  from: string;
  to: string;
  municipalityCode: string | null;
  /** Offered to operators and auditors; null for municipal staff, who see their own only. */
  municipalities: { code: string; name: string }[] | null;
  onApply: (choice: { from: string; to: string; municipalityCode: string | null }) => void;
}) {
  const { t } = useTranslation();
  const form = useForm<FilterValues>({
    resolver: zodResolver(StatisticsQuery),
    values: { from, to },
  });
  // Outside the form: the schema's municipalityCode is a code, and "all" is the absence of one.
  const [municipality, setMunicipality] = useState(municipalityCode ?? ALL);
  return (
    <Section title={t('statistics.filters')} id="statistics-filters">
      <Form
        className="form filters"
        onSubmit={(e) =>
          void form.handleSubmit((values) =>
            onApply({ from: values.from, to: values.to, municipalityCode: municipality === ALL ? null : municipality }),
          )(e)
        }
      >
        <DateFormField control={form.control} name="from" label={t('statistics.from')} />
        <DateFormField control={form.control} name="to" label={t('statistics.to')} />
        {municipalities ? (
          <PlainSelect
            value={municipality}
            onChange={setMunicipality}
            label={t('statistics.municipality')}
            options={[{ id: ALL, label: t('statistics.allMunicipalities') }, ...municipalities.map((m) => ({ id: m.code, label: m.name }))]}
          />
        ) : null}
        <p className="hint">{t('statistics.maxDays', { days: STATISTICS_MAX_DAYS })}</p>
        <div className="actions">
          <Button type="submit" className="button">
            {t('statistics.show')}
          </Button>
        </div>
      </Form>
    </Section>
  );
}
