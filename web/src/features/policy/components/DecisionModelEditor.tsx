import "@gorules/jdm-editor/dist/style.css";
import { DecisionGraph, JdmConfigProvider, type DecisionGraphType } from "@gorules/jdm-editor";
import type { DecisionModel } from "../api/types";

type Props = { value: DecisionModel; onChange: (next: DecisionModel) => void; disabled: boolean };

/**
 * The GoRules decision graph editor (@gorules/jdm-editor). Loaded on demand with React.lazy: it
 * brings its own UI kit and code editor, far more than the rest of the app, so only the policy page
 * fetches it.
 */
export default function DecisionModelEditor({ value, onChange, disabled }: Props) {
  return (
    <div className="jdm-editor" data-testid="jdm-editor">
      <JdmConfigProvider>
        <DecisionGraph
          value={value as unknown as DecisionGraphType}
          disabled={disabled}
          // Show the whole graph, not the top-left corner of it.
          onReactFlowInit={(instance) => {
            requestAnimationFrame(() => void instance.fitView());
          }}
          onChange={(graph) => onChange({ ...value, ...(graph as unknown as DecisionModel) })}
        />
      </JdmConfigProvider>
    </div>
  );
}
