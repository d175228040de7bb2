import { readdirSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

/**
 * The time rule (docs/time.md): inside, every instant is a UTC `Date`; text becomes an instant,
 * and an instant becomes text in some zone, only in the time module. Outside it, code that parses
 * date text or reads a Date's calendar fields by hand is where a Beijing time gets taken for UTC,
 * so this checker finds such code with the type checker (syntax alone cannot tell `new Date(ms)`
 * from `new Date(text)`).
 */

export const root = fileURLToPath(new URL('../..', import.meta.url));

/** What a violation is, one name per kind, so the fixture can prove each one is found. */
export type TimeRuleKind =
  | 'new-date-from-text'
  | 'new-date-from-fields'
  | 'date-parse'
  | 'date-utc'
  | 'date-field-read'
  | 'date-field-write'
  | 'timezone-offset'
  | 'date-to-text'
  | 'iso-text-cut'
  | 'intl-date-time-format';

export interface TimeRuleViolation {
  /** Relative to the repository root, with forward slashes. */
  readonly path: string;
  readonly line: number;
  readonly kind: TimeRuleKind;
  readonly what: string;
}

/** Why each kind breaks the rule, and what to use instead; printed under a failing list. */
export const remedies: Record<TimeRuleKind, string> = {
  'new-date-from-text': 'new Date(text) guesses a zone for text without one: parseIsoInstant, instantFromDb(OrNull), parseWallClock',
  'new-date-from-fields': 'new Date(y, m, d, …) reads the fields on the server\'s wall clock: atLocalTime(date, time, zone)',
  'date-parse': 'Date.parse guesses as new Date(text) does: isoInstantMs, parseIsoInstant',
  'date-utc': 'Date.UTC is calendar arithmetic by hand: atLocalTime, addDays, daysBetween',
  'date-field-read': 'get*/getUTC* read the server\'s or UTC\'s calendar, not the business zone\'s: localDateOf, localTimeOf, localMinuteOfDay',
  'date-field-write': 'set*/setUTC* move along the server\'s or UTC\'s calendar: atLocalTime, addDays, or arithmetic on getTime()',
  'timezone-offset': 'getTimezoneOffset is the server\'s zone: offsetOf(at, zone)',
  'date-to-text': 'toLocale*/toDateString/toUTCString/toString render in the server\'s zone and locale: isoUtc, isoInZone, formatWallClock',
  'iso-text-cut': 'cutting ISO text takes the UTC date and time, not the business zone\'s: localDateOf, localTimeOf, formatWallClock',
  'intl-date-time-format': 'Intl.DateTimeFormat formats (or checks zones) by hand: formatWallClock, localDateOf, isTimeZone; the console\'s lib/time.tsx',
};

/** The time module: the only code allowed to turn text into instants and instants into text. */
const timeModule = ['src/platform/time/', 'src/modules/time/', 'web/src/lib/time.tsx'];

const fieldReads = new Set(
  ['FullYear', 'Month', 'Date', 'Day', 'Hours', 'Minutes', 'Seconds'].flatMap((f) => [`get${f}`, `getUTC${f}`]),
);
const fieldWrites = new Set(['FullYear', 'Month', 'Date', 'Hours', 'Minutes', 'Seconds'].flatMap((f) => [`set${f}`, `setUTC${f}`]));
const textRenderings = new Set(['toLocaleString', 'toLocaleDateString', 'toLocaleTimeString', 'toDateString', 'toTimeString', 'toUTCString', 'toString']);
/** String methods that cut pieces out of ISO text, i.e. format a date by hand. */
const textCuts = new Set(['slice', 'substring', 'substr', 'split', 'replace', 'replaceAll', 'padStart', 'padEnd', 'at', 'charAt']);
/** Calls whose result is ISO text of an instant: the Date's own, and the time module's. */
const isoOfDate = new Set(['toISOString', 'toJSON']);
const isoOfTimeModule = new Set(['isoUtc', 'isoInZone']);

const posix = (path: string) => path.split(sep).join('/');
const repoPath = (fileName: string) => posix(relative(root, fileName));

export function inTimeModule(path: string): boolean {
  return timeModule.some((m) => (m.endsWith('/') ? path.startsWith(m) : path === m));
}

/** Production sources under `dir` (relative to the root) that the rule applies to: no tests, no time module. */
export function productionFiles(dir: string, extensions: readonly string[]): string[] {
  const walk = (abs: string): string[] =>
    readdirSync(abs, { withFileTypes: true }).flatMap((entry) => {
      const path = join(abs, entry.name);
      if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : walk(path);
      const wanted = extensions.some((ext) => entry.name.endsWith(ext)) && !/\.test\.tsx?$/.test(entry.name) && !entry.name.endsWith('.d.ts');
      return wanted ? [path] : [];
    });
  return walk(join(root, dir))
    .filter((file) => !inTimeModule(repoPath(file)))
    .sort();
}

/** A program over `files` with the compiler options of a tsconfig (only the roots differ, so types resolve as in tsc). */
export function programFor(tsconfig: string, files: readonly string[]): ts.Program {
  const host: ts.ParseConfigFileHost = {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (d) => {
      throw new Error(`${tsconfig}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
    },
  };
  const parsed = ts.getParsedCommandLineOfConfigFile(join(root, tsconfig), {}, host);
  if (!parsed) throw new Error(`cannot read ${tsconfig}`);
  return ts.createProgram({ rootNames: files, options: parsed.options });
}

/** Every place in `files` (absolute paths, all in `program`) where the time rule is broken. */
export function timeRuleViolations(files: readonly string[], program: ts.Program): TimeRuleViolation[] {
  const checker = program.getTypeChecker();
  const found: TimeRuleViolation[] = [];

  /**
   * True when the symbol is TypeScript's own (declared by its lib files, perhaps augmented by
   * @types), not some class of ours with the same name.
   */
  const fromLib = (symbol: ts.Symbol | undefined): symbol is ts.Symbol => {
    const files = (symbol?.declarations ?? []).map((d) => d.getSourceFile());
    return files.some((f) => program.isSourceFileDefaultLibrary(f)) && files.every((f) => f.isDeclarationFile);
  };

  const resolved = (symbol: ts.Symbol | undefined) => (symbol && symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol);

  /** True when `name` is a member of lib interface `owner` (Date, DateConstructor): `d.getHours`, `Date.parse`. */
  const isMemberOf = (name: ts.Node, owner: string): boolean => {
    const symbol = resolved(checker.getSymbolAtLocation(name));
    if (!fromLib(symbol)) return false;
    return symbol.declarations!.some((d) => ts.isInterfaceDeclaration(d.parent) && d.parent.name.text === owner);
  };

  const isDateConstructor = (expr: ts.Expression): boolean => {
    const type = checker.getTypeAtLocation(expr);
    return type.getSymbol()?.getName() === 'DateConstructor' && fromLib(type.getSymbol());
  };

  /** Text, or something that may be text: string, a union with string in it, any, unknown, an unconstrained type parameter. */
  const mayBeText = (type: ts.Type): boolean => {
    if (type.flags & (ts.TypeFlags.StringLike | ts.TypeFlags.Any | ts.TypeFlags.Unknown)) return true;
    if (type.isUnionOrIntersection()) return type.types.some(mayBeText);
    if (type.flags & ts.TypeFlags.TypeParameter) {
      const constraint = checker.getBaseConstraintOfType(type);
      return !constraint || constraint === type || mayBeText(constraint);
    }
    return false;
  };

  /** `Intl.DateTimeFormat` (or a `DateTimeFormat` taken out of Intl); the name is matched first, as resolving every callee is slow. */
  const isIntlDateTimeFormat = (expr: ts.Expression): boolean => {
    const name = ts.isPropertyAccessExpression(expr) ? expr.name : expr;
    if (!ts.isIdentifier(name) || name.text !== 'DateTimeFormat') return false;
    return fromLib(resolved(checker.getSymbolAtLocation(name)));
  };

  const unwrap = (expr: ts.Expression): ts.Expression => {
    while (ts.isParenthesizedExpression(expr) || ts.isNonNullExpression(expr) || ts.isAsExpression(expr) || ts.isSatisfiesExpression(expr)) expr = expr.expression;
    return expr;
  };

  /** True when the expression is ISO text of an instant: `d.toISOString()`, `isoUtc(d)`, or a const holding one. */
  const isIsoText = (expr: ts.Expression, depth = 0): boolean => {
    expr = unwrap(expr);
    if (ts.isCallExpression(expr)) {
      const callee = unwrap(expr.expression);
      if (ts.isPropertyAccessExpression(callee)) {
        return isoOfDate.has(callee.name.text) && isMemberOf(callee.name, 'Date');
      }
      const symbol = resolved(checker.getSymbolAtLocation(callee));
      return !!symbol && isoOfTimeModule.has(symbol.getName()) && !!symbol.declarations?.some((d) => inTimeModule(repoPath(d.getSourceFile().fileName)));
    }
    if (ts.isIdentifier(expr) && depth < 3) {
      const declaration = checker.getSymbolAtLocation(expr)?.valueDeclaration;
      if (declaration && ts.isVariableDeclaration(declaration) && declaration.initializer && ts.getCombinedNodeFlags(declaration) & ts.NodeFlags.Const) {
        return isIsoText(declaration.initializer, depth + 1);
      }
    }
    return false;
  };

  for (const file of files) {
    const source = program.getSourceFile(file);
    if (!source) throw new Error(`${file} is not in the program`);
    const path = repoPath(source.fileName);
    /** The call a member is called in (`d.getHours()`), else the member itself (`.map(Date.parse)`). */
    const callOf = (member: ts.PropertyAccessExpression): ts.Node => (ts.isCallExpression(member.parent) && member.parent.expression === member ? member.parent : member);
    /** `at` is where the line is taken from: a member's own name, so a chain over lines points at the right one. */
    const report = (node: ts.Node, kind: TimeRuleKind, label: string, at: ts.Node = node) => {
      const line = source.getLineAndCharacterOfPosition(at.getStart(source)).line + 1;
      found.push({ path, line, kind, what: `${label} in ${node.getText(source).replace(/\s+/g, ' ').slice(0, 100)}` });
    };

    const visit = (node: ts.Node): void => {
      if (ts.isNewExpression(node) && isDateConstructor(node.expression)) {
        const args = node.arguments ?? [];
        if (args.length === 1 && mayBeText(checker.getTypeAtLocation(args[0]!))) {
          report(node, 'new-date-from-text', 'new Date(text)');
        } else if (args.length > 1) {
          report(node, 'new-date-from-fields', 'new Date(year, month, …)');
        }
      }

      if ((ts.isNewExpression(node) || ts.isCallExpression(node)) && isIntlDateTimeFormat(unwrap(node.expression))) {
        report(node, 'intl-date-time-format', 'Intl.DateTimeFormat');
      }

      if (ts.isPropertyAccessExpression(node)) {
        const name = node.name.text;
        if ((name === 'parse' || name === 'UTC') && isMemberOf(node.name, 'DateConstructor')) {
          if (name === 'parse') report(callOf(node), 'date-parse', 'Date.parse', node.name);
          else report(callOf(node), 'date-utc', 'Date.UTC', node.name);
        } else if (fieldReads.has(name) && isMemberOf(node.name, 'Date')) {
          report(callOf(node), 'date-field-read', `Date#${name}`, node.name);
        } else if (fieldWrites.has(name) && isMemberOf(node.name, 'Date')) {
          report(callOf(node), 'date-field-write', `Date#${name}`, node.name);
        } else if (name === 'getTimezoneOffset' && isMemberOf(node.name, 'Date')) {
          report(callOf(node), 'timezone-offset', 'Date#getTimezoneOffset', node.name);
        } else if (textRenderings.has(name) && isMemberOf(node.name, 'Date')) {
          report(callOf(node), 'date-to-text', `Date#${name}`, node.name);
        } else if (textCuts.has(name) && isIsoText(node.expression)) {
          report(callOf(node), 'iso-text-cut', `ISO text .${name}`, node.name);
        }
      }

      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return found;
}

export const formatViolation = (v: TimeRuleViolation) => `${v.path}:${v.line}: ${v.what}`;
