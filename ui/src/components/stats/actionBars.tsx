import { Bar } from "recharts";
import { ACTIONS, ACTION_NAME } from "../../statsCharts";
import { ACTION_COLOR } from "./theme";

/** The four stacked decision bars; called as a function so recharts sees plain <Bar> children. */
export function actionBars(maxBarSize = 28) {
  return ACTIONS.map((action) => (
    <Bar key={action} dataKey={action} name={ACTION_NAME[action]} stackId="actions" fill={ACTION_COLOR[action]} maxBarSize={maxBarSize} isAnimationActive={false} />
  ));
}
