import type { Stats } from "../../bindings/Stats";
import { headlineTiles } from "../../statsCharts";

export function StatTiles({ stats }: { stats: Stats }) {
  return (
    <div className="stat-tiles">
      {headlineTiles(stats).map((tile) => (
        <div key={tile.key} className={`stat-tile tone-${tile.tone}`} data-testid={`tile-${tile.key}`}>
          <div className="stat-tile-label">{tile.label}</div>
          <div className="stat-tile-value">{tile.value}</div>
          {tile.hint !== null && <div className="stat-tile-hint">{tile.hint}</div>}
        </div>
      ))}
    </div>
  );
}
