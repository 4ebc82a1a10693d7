// Small pieces the panels share.
import { t } from '../i18n.js';

/** The PNG button of a chart (its name from a closed set, never from a URL). */
export function pngButton(chart) {
  return `<button type="button" class="png" data-chart="${chart}" title="${t('savePng')}" aria-label="${t('savePngOf', t(`chart.${chart}`))}">PNG</button>`;
}
