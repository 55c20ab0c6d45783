/**
 * The issuance log's search form (react-hook-form over the shared IssuanceLogFilter): the filled-in
 * filters are checked by the schema before the search is sent, and each refused one is shown on
 * its field. Municipal staff search their own municipality only, so they get no municipality box.
 */
import { useForm, type FieldErrors, type Resolver } from 'react-hook-form';
import { Button, Form } from 'react-aria-components';
import { useTranslation } from 'react-i18next';
import { CertificateType, IssuanceLogFilter, IssuanceState, isMunicipalRole } from '@madoguchi/shared';
import { useSession } from '../api/session.js';
import { DateFormField } from '../forms/date-fields.js';
import { SelectFormField, TextFormField } from '../forms/fields.js';
import { emptyFilterForm, formFromFilter, withoutEmpty, type FilterForm } from './search-params.js';

const resolver: Resolver<FilterForm> = async (values) => {
  const parsed = IssuanceLogFilter.safeParse(withoutEmpty(values));
  if (parsed.success) return { values, errors: {} };
  const errors: FieldErrors<FilterForm> = {};
  for (const issue of parsed.error.issues) {
    const key = String(issue.path[0]) as keyof FilterForm;
    errors[key] ??= { type: issue.code, message: issue.message };
  }
  return { values: {}, errors };
};

export function IssuanceSearchForm({ filter, onSearch }: { filter: IssuanceLogFilter; onSearch: (filter: IssuanceLogFilter) => void }) {
  const { t } = useTranslation();
  const me = useSession();
  const form = useForm<FilterForm>({ resolver, defaultValues: formFromFilter(filter) });
  const text = (name: keyof FilterForm, label: string) => (
    <TextFormField control={form.control} name={name} label={label} emptyAsUndefined={false} />
  );
  return (
    <Form
      className="form"
      aria-label={t('issuanceLog.searchTitle')}
      onSubmit={(e) => void form.handleSubmit((values) => onSearch(IssuanceLogFilter.parse(withoutEmpty(values))))(e)}
    >
      <DateFormField control={form.control} name="from" label={t('issuanceLog.from')} />
      <DateFormField control={form.control} name="to" label={t('issuanceLog.to')} />
      {isMunicipalRole(me.role) ? (
        <p>{t('issuanceLog.ownMunicipality', { code: me.municipalityCode })}</p>
      ) : (
        text('municipalityCode', t('issuanceLog.municipalityCode'))
      )}
      {text('chainCode', t('issuanceLog.chainCode'))}
      {text('storeCode', t('issuanceLog.storeCode'))}
      {text('terminalId', t('issuanceLog.terminalId'))}
      <SelectFormField
        control={form.control}
        name="certificateType"
        label={t('issuanceLog.certificateType')}
        options={[
          { id: 'all', label: t('issuanceLog.all') },
          ...CertificateType.options.map((type) => ({ id: type, label: t(`certificateTypes.${type}`) })),
        ]}
      />
      <SelectFormField
        control={form.control}
        name="state"
        label={t('issuanceLog.state')}
        options={[
          { id: 'all', label: t('issuanceLog.all') },
          ...IssuanceState.options.map((state) => ({ id: state, label: t(`issuanceLog.states.${state}`) })),
        ]}
      />
      {text('issueNumber', t('issuanceLog.issueNumber'))}
      {text('issuanceId', t('issuanceLog.issuanceId'))}
      <div className="actions">
        <Button type="submit" className="button">
          {t('issuanceLog.search')}
        </Button>
        <Button
          className="button secondary"
          onPress={() => {
            form.reset(emptyFilterForm());
            onSearch({});
          }}
        >
          {t('issuanceLog.clear')}
        </Button>
      </div>
    </Form>
  );
}
