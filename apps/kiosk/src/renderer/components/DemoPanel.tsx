/**
 * Demo only (the view carries `demoCards` only in demo mode): place one of the demo residents'
 * virtual cards, or take it away, and on the payment screen drop coins into the simulated cash
 * unit. Styled as an obvious developer tool, outside the resident's screen.
 */
import { CASH_DENOMINATIONS } from '@madoguchi/shared';
import { useKiosk, useKioskT } from '../kiosk-context.js';
import { useYen } from './Yen.js';

export function DemoPanel() {
  const { view, send } = useKiosk();
  const { t } = useKioskT();
  const yen = useYen();
  if (!view.demoCards) return null;
  return (
    <aside className="demo-panel demo" aria-label={t('demo.title')} data-demo-panel>
      <h2>
        <span className="demo-badge">DEMO</span> {t('demo.title')}
      </h2>
      <p className="demo-note">{t('demo.note')}</p>
      <p className="demo-card-state" data-card-present={view.cardPresent}>
        {view.cardPresent ? t('demo.cardPresent') : t('demo.noCard')}
      </p>
      <h3>{t('demo.cards')}</h3>
      <ul className="demo-cards">
        {view.demoCards.map((card) => (
          <li key={card.cardId}>
            <button
              type="button"
              className="demo-card"
              data-card-id={card.cardId}
              lang="ja"
              disabled={view.cardPresent}
              onClick={() => void send({ type: 'demoPlaceCard', cardId: card.cardId })}
            >
              {card.label}
            </button>
          </li>
        ))}
      </ul>
      <button type="button" className="demo-remove" disabled={!view.cardPresent} onClick={() => void send({ type: 'demoRemoveCard' })}>
        {t('demo.removeCard')}
      </button>
      {view.screen === 'payment' ? (
        <section className="demo-cash" aria-label={t('demo.insertCash')}>
          <h3>{t('demo.insertCash')}</h3>
          <div className="cash-buttons">
            {CASH_DENOMINATIONS.map((amount) => (
              <button
                key={amount}
                type="button"
                className="cash-button"
                data-yen={amount}
                onClick={() => void send({ type: 'demoInsertCash', yen: amount })}
              >
                {yen(amount)}
              </button>
            ))}
          </div>
        </section>
      ) : null}
    </aside>
  );
}
