export { inspectModule, type ExportFacts, type FunctionSignature, type ModuleFacts, type ModuleInspection } from './inspect-module';
export { DEFAULT_SANDBOX_LIMITS, MODULE_CAPS, type SandboxLimits } from './limits';
export { Sandbox, type SandboxObserver, type SandboxOptions, type SandboxPath, type SandboxRequest, type SandboxRun } from './sandbox';
export { createSandboxExecutor, type SandboxGeneExecutor } from './sandbox-executor';
export { jsonResult, jsonScalar, jsonValue, parseArgument } from './values';
export { VERDICTS, VIOLATION_KIND_OF_VERDICT, verdictOfViolation, type SecurityVerdict, type SandboxResult, type SecurityViolation, type ImportViolationKind, type TrapKind, type Verdict, type WasmScalar, type WasmValue } from './verdict';
