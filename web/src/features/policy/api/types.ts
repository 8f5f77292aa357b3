/** Credit policy shapes: the generated OpenAPI types (src/lib/api/schema.gen.ts). */
import type { components } from "@/lib/api/schema.gen";

type Schemas = components["schemas"];
export type PolicyVersionRead = Schemas["PolicyVersionRead"];
export type PolicyVersionSummary = Schemas["PolicyVersionSummary"];
export type PolicyDocument = Schemas["PolicyDocument"];
export type PolicyTestCase = Schemas["PolicyTestCaseIn"];
export type FactSet = Schemas["FactSetIn"];
export type CheckReport = Schemas["CheckReport"];
export type SimulationReport = Schemas["SimulationReport"];
export type DecisionOut = Schemas["DecisionOut"];
export type Decision = Schemas["Decision"];
export type DecisionModel = PolicyDocument["model"];
