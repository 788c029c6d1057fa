// The poll admin page's chart: cumulative votes per answer, hour by hour, drawn on the server.
import { useAdminText } from "../views/org";
import type { resultsOverTime } from "./service";

const PALETTE = [
  "#1f77b4",
  "#d62728",
  "#2ca02c",
  "#ff7f0e",
  "#9467bd",
  "#8c564b",
  "#e377c2",
  "#7f7f7f",
  "#bcbd22",
  "#17becf",
];

export type ChartData = Awaited<ReturnType<typeof resultsOverTime>>;

const CHART = { width: 640, height: 220, pad: 30 };

/** Where an hour (by its index in the series) and a count sit on the chart. */
function chartScale(series: ChartData["series"]) {
  const { width, height, pad } = CHART;
  const max = Math.max(1, ...series.flatMap((s) => s.counts));
  // A time axis: each hour sits at its distance from the first, so an hour and 26 years never
  // look the same width.
  const times = series.map((s) => Date.parse(s.hour));
  const start = times[0] ?? 0;
  const span = (times[times.length - 1] ?? start) - start;
  const x = (i: number) =>
    pad +
    (span === 0
      ? (width - 2 * pad) / 2
      : (((times[i] ?? start) - start) * (width - 2 * pad)) / span);
  const y = (n: number) => height - pad - (n * (height - 2 * pad)) / max;
  return { max, x, y };
}

/** One line per answer (a dot when there is a single hour), coloured as in the legend. */
function AnswerLines(props: ChartData & { scale: ReturnType<typeof chartScale> }) {
  const { options, series, scale } = props;
  return (
    <>
      {options.map((o, k) => {
        const points = series.map((s, i) => `${scale.x(i)},${scale.y(s.counts[k] ?? 0)}`).join(" ");
        const color = PALETTE[k % PALETTE.length];
        return series.length === 1 ? (
          <circle cx={scale.x(0)} cy={scale.y(series[0]?.counts[k] ?? 0)} r="4" fill={color}>
            <title>{o.label}</title>
          </circle>
        ) : (
          <polyline points={points} fill="none" stroke={color} stroke-width="2">
            <title>{o.label}</title>
          </polyline>
        );
      })}
    </>
  );
}

function ChartLegend(props: { options: ChartData["options"] }) {
  return (
    <figcaption>
      <ul class="legend">
        {props.options.map((o, k) => (
          <li>
            <svg width="12" height="12" aria-hidden="true">
              <rect width="12" height="12" fill={PALETTE[k % PALETTE.length]} />
            </svg>{" "}
            {o.label}
          </li>
        ))}
      </ul>
    </figcaption>
  );
}

/** Cumulative votes per answer, hour by hour: a small server-drawn SVG (no script, no inline style). */
export function VotesChart(props: ChartData) {
  const t = useAdminText().polls;
  const { series } = props;
  if (!series.length) return <p class="muted">{t.noVote}</p>;
  const { width, height, pad } = CHART;
  const scale = chartScale(series);
  const first = series[0]?.hour ?? "";
  const last = series[series.length - 1]?.hour ?? "";
  return (
    <figure>
      <svg
        class="chart"
        viewBox={`0 0 ${width} ${height}`}
        role="img"
        aria-labelledby="chart-title"
        xmlns="http://www.w3.org/2000/svg"
      >
        <title id="chart-title">{t.chartTitle(first, last)}</title>
        <line x1={pad} y1={height - pad} x2={width - pad} y2={height - pad} stroke="currentColor" />
        <line x1={pad} y1={pad} x2={pad} y2={height - pad} stroke="currentColor" />
        <text x={pad - 4} y={pad + 4} text-anchor="end" font-size="10" fill="currentColor">
          {scale.max}
        </text>
        <text x={pad} y={height - 8} font-size="10" fill="currentColor">
          {first.slice(0, 13)}h
        </text>
        <text x={width - pad} y={height - 8} text-anchor="end" font-size="10" fill="currentColor">
          {last.slice(0, 13)}h
        </text>
        <AnswerLines {...props} scale={scale} />
      </svg>
      <ChartLegend options={props.options} />
    </figure>
  );
}
