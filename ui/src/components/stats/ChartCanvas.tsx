// One Chart.js chart on a canvas. The chart is created once and then updated in place when its
// configuration changes (new figures after a decision), never rebuilt.
import { Chart, type ChartConfiguration } from "chart.js";
import { useEffect, useRef } from "react";
import "./theme";

interface ChartCanvasProps {
  config: ChartConfiguration;
  height: number;
  /** What the chart shows, for screen readers (the canvas itself has no text). */
  label: string;
}

export function ChartCanvas({ config, height, label }: ChartCanvasProps) {
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const chartRef = useRef<Chart | null>(null);
  const latest = useRef(config);
  latest.current = config;

  useEffect(() => {
    if (canvasRef.current === null) return;
    const chart = new Chart(canvasRef.current, latest.current);
    chartRef.current = chart;
    return () => {
      chart.destroy();
      chartRef.current = null;
    };
  }, []);

  useEffect(() => {
    const chart = chartRef.current;
    if (chart === null || chart.config.data === config.data) return;
    chart.data = config.data;
    chart.options = config.options ?? {};
    chart.update("none");
  }, [config]);

  // The height is set through the CSSOM (React's style prop), which the CSP allows.
  return (
    <div className="chart-canvas" style={{ height }}>
      <canvas ref={canvasRef} role="img" aria-label={label} />
    </div>
  );
}
