// A small server-rendered SVG chart: one stacked bar per hour or day (delivered, bounced,
// complained). No script and no inline style, so it fits the CSP; colours come from app.css.
import { useAdminText } from "../views/org";
import type { Bucket } from "./service";

const WIDTH = 640;
const HEIGHT = 180;
const LEFT = 44;
const BOTTOM = 22;
const TOP = 8;

const label = (key: string, unit: "hour" | "day") =>
  unit === "hour" ? `${key.slice(5, 10)} ${key.slice(11, 13)}h` : key.slice(5, 10);

export function OutcomeChart(props: { series: Bucket[]; unit: "hour" | "day"; title: string }) {
  const t = useAdminText().deliverability;
  const { series, unit } = props;
  const max = Math.max(1, ...series.map((b) => b.delivered + b.bounced + b.complained));
  const plotHeight = HEIGHT - TOP - BOTTOM;
  const slot = (WIDTH - LEFT) / Math.max(1, series.length);
  const barWidth = Math.max(1, slot * 0.75);
  const y = (n: number) => (n / max) * plotHeight;
  const first = series[0];
  const last = series[series.length - 1];
  return (
    <figure class="outcome-chart">
      <svg
        viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
        role="img"
        aria-label={t.chartLabel(props.title, unit, max)}
        xmlns="http://www.w3.org/2000/svg"
      >
        <line class="axis" x1={LEFT} y1={TOP} x2={LEFT} y2={HEIGHT - BOTTOM} />
        <line class="axis" x1={LEFT} y1={HEIGHT - BOTTOM} x2={WIDTH} y2={HEIGHT - BOTTOM} />
        <text class="tick" x={LEFT - 6} y={TOP + 10} text-anchor="end">
          {max}
        </text>
        <text class="tick" x={LEFT - 6} y={HEIGHT - BOTTOM} text-anchor="end">
          0
        </text>
        {series.map((b, i) => {
          const x = LEFT + i * slot + (slot - barWidth) / 2;
          let base = HEIGHT - BOTTOM;
          const parts = (["delivered", "bounced", "complained"] as const).map((kind) => {
            const h = y(b[kind]);
            base -= h;
            return h > 0 ? (
              <rect class={`bar-${kind}`} x={x} y={base} width={barWidth} height={h} />
            ) : null;
          });
          return (
            <g>
              <title>{t.bucketTitle(b.key, b.delivered, b.bounced, b.complained)}</title>
              {parts}
            </g>
          );
        })}
        {first ? (
          <text class="tick" x={LEFT} y={HEIGHT - 6} text-anchor="start">
            {label(first.key, unit)}
          </text>
        ) : null}
        {last && last !== first ? (
          <text class="tick" x={WIDTH} y={HEIGHT - 6} text-anchor="end">
            {label(last.key, unit)}
          </text>
        ) : null}
      </svg>
      <figcaption>
        <span class="chart-key key-delivered">{t.keyDelivered}</span>{" "}
        <span class="chart-key key-bounced">{t.keyBounced}</span>{" "}
        <span class="chart-key key-complained">{t.keyComplained}</span>
        {t.perUnit(unit)}
      </figcaption>
    </figure>
  );
}
