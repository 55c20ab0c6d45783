/**
 * Demo only (the view carries `demoCards` only in demo mode): place one of the demo residents'
 * virtual cards, or take it away. Styled as an obvious developer tool, outside the resident's screen.
 */
import { useKiosk, useKioskT } from '../kiosk-context.js';

export function DemoPanel() {
  const { view, send } = useKiosk();
  const { t } = useKioskT();
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
    </aside>
  );
}
