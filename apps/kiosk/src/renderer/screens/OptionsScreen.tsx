/**
 * Options for the chosen certificate, one decision per screen: the steps come from
 * options-model.ts; Back walks back through them before it leaves the screen.
 */
import { useState } from 'react';
import {
  formatEraFiscalYear,
  formatEraYearOnly,
  taxCertificateKindLabels,
  type MenuItem,
  type TaxCertificateKind,
} from '@madoguchi/shared';
import { useKiosk, useKioskT } from '../kiosk-context.js';
import { ScreenFrame, Working } from '../components/ScreenFrame.js';
import { CertificateName } from '../components/CertificateName.js';
import {
  canLeaveStep,
  initialDraft,
  maxCopiesFor,
  stepsFor,
  toSetOptionsIntent,
  type OptionsDraft,
  type OptionsStep,
} from './options-model.js';

const taxKinds: readonly TaxCertificateKind[] = ['income', 'nonTaxable', 'payment'];

export function OptionsScreen() {
  const { view } = useKiosk();
  const { t } = useKioskT();
  const type = view.selected?.certificateType;
  if (!type) {
    // The main process names the chosen certificate with this screen; until it does, wait.
    return (
      <ScreenFrame screen="options" heading={t('common.pleaseWait')} showBack showCancel>
        <Working label={t('common.pleaseWait')} />
      </ScreenFrame>
    );
  }
  // Keyed by type: choosing another certificate starts its options afresh.
  return <OptionsSteps key={type} />;
}

function OptionsSteps() {
  const { view, send } = useKiosk();
  const { t } = useKioskT();
  const selected = view.selected!;
  const type = selected.certificateType;
  const item = view.menu?.find((entry) => entry.certificateType === type);
  const [draft, setDraft] = useState<OptionsDraft>(() => initialDraft(item, selected));
  const [stepIndex, setStepIndex] = useState(0);
  /** Between the last step and the main process's next view: no second submit. */
  const [submitting, setSubmitting] = useState(false);
  const steps = stepsFor(type, item, draft);
  const step: OptionsStep = steps[Math.min(stepIndex, steps.length - 1)] ?? 'copies';
  const update = (patch: Partial<OptionsDraft>) => setDraft((current) => ({ ...current, ...patch }));

  const goNext = (nextDraft: OptionsDraft = draft) => {
    const nextSteps = stepsFor(type, item, nextDraft);
    const index = nextSteps.indexOf(step);
    if (index < nextSteps.length - 1) return setStepIndex(index + 1);
    // In order: the main process quotes what it holds, so the options must land before `confirm`.
    setSubmitting(true);
    void send(toSetOptionsIntent(type, item, nextDraft))
      .then((accepted) => (accepted ? send({ type: 'confirm' }) : false))
      .then((confirmed) => {
        if (!confirmed) setSubmitting(false);
      });
  };
  /** A choice that is the whole decision of its screen moves on at once. */
  const chooseAndNext = (patch: Partial<OptionsDraft>) => {
    const nextDraft = { ...draft, ...patch };
    setDraft(nextDraft);
    goNext(nextDraft);
  };
  const goBack = () => (stepIndex === 0 ? send({ type: 'back' }) : setStepIndex(stepIndex - 1));
  const isLast = steps.indexOf(step) === steps.length - 1;
  const showNext = step === 'members' || step === 'items' || step === 'copies';

  return (
    <ScreenFrame
      screen="options"
      heading={t(stepHeadings[step])}
      lead={<CertificateName type={type} />}
      showBack
      showCancel
      onBack={goBack}
      primary={
        showNext ? (
          <button
            type="button"
            className="primary-button"
            disabled={submitting || !canLeaveStep(step, draft)}
            onClick={() => goNext()}
            data-last-step={isLast || undefined}
          >
            {t('common.next')}
          </button>
        ) : undefined
      }
    >
      <div className="options-step" data-step={step}>
        <StepChoices step={step} draft={draft} item={item} update={update} choose={chooseAndNext} />
      </div>
    </ScreenFrame>
  );
}

const stepHeadings = {
  scope: 'options.scopeHeading',
  members: 'options.membersHeading',
  items: 'options.itemsHeading',
  taxKind: 'options.taxKindHeading',
  taxYear: 'options.taxYearHeading',
  copies: 'options.copiesHeading',
} as const satisfies Record<OptionsStep, string>;

interface StepProps {
  draft: OptionsDraft;
  item: MenuItem | undefined;
  /** Changes the draft and stays on the step. */
  update: (patch: Partial<OptionsDraft>) => void;
  /** A choice that is the whole decision of its step: changes the draft and moves on. */
  choose: (patch: Partial<OptionsDraft>) => void;
}

/** What the resident decides on one step. */
function StepChoices({ step, ...props }: StepProps & { step: OptionsStep }) {
  switch (step) {
    case 'scope':
      return <ScopeChoices {...props} />;
    case 'members':
      return <MemberChoices {...props} />;
    case 'items':
      return <ItemChoices {...props} />;
    case 'taxKind':
      return <TaxKindChoices {...props} />;
    case 'taxYear':
      return <TaxYearChoices {...props} />;
    case 'copies':
      return <CopiesChoice {...props} />;
  }
}

function ScopeChoices({ choose }: StepProps) {
  const { t } = useKioskT();
  return (
    <div className="choice-grid two">
      <button type="button" className="choice-button large" onClick={() => choose({ scope: 'household', memberIds: [] })}>
        {t('options.wholeHousehold')}
      </button>
      <button type="button" className="choice-button large" onClick={() => choose({ scope: 'selected' })}>
        {t('options.selectedMembers')}
      </button>
    </div>
  );
}

function MemberChoices({ draft, update }: StepProps) {
  const { view } = useKiosk();
  return (
    <div className="choice-list">
      {(view.householdMembers ?? []).map((member) => {
        const checked = draft.memberIds.includes(member.residentId);
        return (
          <button
            key={member.residentId}
            type="button"
            role="checkbox"
            aria-checked={checked}
            className="toggle-row"
            data-resident-id={member.residentId}
            onClick={() =>
              update({
                memberIds: checked ? draft.memberIds.filter((id) => id !== member.residentId) : [...draft.memberIds, member.residentId],
              })
            }
          >
            <span className="check" aria-hidden="true">
              {checked ? '✓' : ''}
            </span>
            <span className="member-name" lang="ja">
              {member.displayName}
            </span>
            <span className="member-relationship" lang="ja">
              {member.relationship}
            </span>
          </button>
        );
      })}
    </div>
  );
}

function ItemChoices({ draft, item, update }: StepProps) {
  const { t } = useKioskT();
  return (
    <div className="choice-list">
      <ItemToggle
        label={t('options.householdHead')}
        japanese="世帯主・続柄"
        value={draft.householdHeadAndRelationship}
        onChange={(value) => update({ householdHeadAndRelationship: value })}
      />
      {item?.allowDomicile ? (
        <ItemToggle
          label={t('options.domicile')}
          japanese="本籍・筆頭者"
          value={draft.domicile}
          onChange={(value) => update({ domicile: value })}
        />
      ) : null}
      {item?.allowMyNumber ? (
        <ItemToggle
          label={t('options.myNumber')}
          japanese="個人番号"
          value={draft.myNumber}
          onChange={(value) => update({ myNumber: value })}
        />
      ) : null}
    </div>
  );
}

function TaxKindChoices({ choose }: StepProps) {
  const { view } = useKiosk();
  const { t } = useKioskT();
  return (
    <div className="choice-list">
      {taxKinds.map((kind) => (
        <button key={kind} type="button" className="choice-button" onClick={() => choose({ taxKind: kind })}>
          <span className="bilingual start">
            <span className="primary" lang="ja">
              {taxCertificateKindLabels[kind].ja}
            </span>
            {view.language === 'ja' ? null : <span className="secondary">{t(`options.kind.${kind}`)}</span>}
          </span>
        </button>
      ))}
    </div>
  );
}

function TaxYearChoices({ item, choose }: StepProps) {
  const { t } = useKioskT();
  return (
    <div className="choice-list">
      {(item?.taxYears ?? []).map((year) => (
        <button key={year} type="button" className="choice-button" onClick={() => choose({ taxYear: year })}>
          <span className="bilingual start">
            <span className="primary">{t('options.taxYear', { year, era: formatEraFiscalYear(year) })}</span>
            <span className="secondary">
              {t('options.taxYearNote', {
                year,
                era: formatEraFiscalYear(year),
                incomeYear: year - 1,
                incomeEra: formatEraYearOnly(year - 1),
              })}
            </span>
          </span>
        </button>
      ))}
    </div>
  );
}

function CopiesChoice({ draft, item, update }: StepProps) {
  const { t } = useKioskT();
  const max = maxCopiesFor(item);
  return (
    <div className="copies">
      <button type="button" className="stepper" disabled={draft.copies <= 1} onClick={() => update({ copies: draft.copies - 1 })}>
        <span aria-hidden="true">−</span>
        <span className="visually-hidden">{t('options.less')}</span>
      </button>
      <output className="copies-value" aria-live="polite" data-testid="copies">
        {t('common.copies', { count: draft.copies })}
      </output>
      <button type="button" className="stepper" disabled={draft.copies >= max} onClick={() => update({ copies: draft.copies + 1 })}>
        <span aria-hidden="true">＋</span>
        <span className="visually-hidden">{t('options.more')}</span>
      </button>
      <p className="hint">{t('options.maxCopies', { count: max })}</p>
    </div>
  );
}

function ItemToggle({
  label,
  japanese,
  value,
  onChange,
}: {
  label: string;
  japanese: string;
  value: boolean;
  onChange: (value: boolean) => void;
}) {
  const { view } = useKiosk();
  const { t } = useKioskT();
  return (
    <div className="item-toggle" role="radiogroup" aria-label={label}>
      <span className="item-label">
        {label}
        {view.language === 'ja' ? null : (
          <span className="secondary" lang="ja">
            {' '}
            {japanese}
          </span>
        )}
      </span>
      <button type="button" role="radio" aria-checked={value} className="segment" onClick={() => onChange(true)}>
        {t('options.include')}
      </button>
      <button type="button" role="radio" aria-checked={!value} className="segment" onClick={() => onChange(false)}>
        {t('options.omit')}
      </button>
    </div>
  );
}
