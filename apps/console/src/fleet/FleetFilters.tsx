/** The fleet's filters: chain, state, software version, silent kiosks only. Each change asks the center again. */
import { Checkbox } from 'react-aria-components';
import { useTranslation } from 'react-i18next';
import { KioskCondition, type FleetQuery, type StoreChain } from '@madoguchi/shared';
import { CheckMark, PlainSelect } from '../forms/fields.js';

const ALL = '*';

export function FleetFilters({
  filters,
  onChange,
  chains,
  versions,
}: {
  filters: FleetQuery;
  onChange: (filters: FleetQuery) => void;
  chains: StoreChain[];
  versions: string[];
}) {
  const { t } = useTranslation();
  const set = (key: keyof FleetQuery, value: string) => {
    const next = { ...filters };
    if (value === ALL) delete next[key];
    else (next as Record<string, string>)[key] = value;
    onChange(next);
  };
  const all = { id: ALL, label: t('common.all') };
  return (
    <div className="inline-form" role="group" aria-label={t('fleet.filters')}>
      <PlainSelect
        label={t('fleet.filterChain')}
        options={[all, ...chains.map((c) => ({ id: c.chainCode, label: c.name }))]}
        value={filters.chainCode ?? ALL}
        onChange={(v) => set('chainCode', v)}
      />
      <PlainSelect
        label={t('fleet.filterCondition')}
        options={[all, ...KioskCondition.options.map((id) => ({ id, label: t(`fleet.conditions.${id}`) }))]}
        value={filters.condition ?? ALL}
        onChange={(v) => set('condition', v)}
      />
      <PlainSelect
        label={t('fleet.filterVersion')}
        options={[all, ...versions.map((v) => ({ id: v, label: v }))]}
        value={filters.softwareVersion ?? ALL}
        onChange={(v) => set('softwareVersion', v)}
      />
      <Checkbox className="checkbox" isSelected={filters.silentOnly === 'true'} onChange={(on) => set('silentOnly', on ? 'true' : ALL)}>
        <CheckMark />
        {t('fleet.silentOnly')}
      </Checkbox>
    </div>
  );
}
