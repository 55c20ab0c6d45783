// The import-boundary rule behind eslint.config.js. It decides by where an import lands, not by
// how its specifier is spelled: a relative specifier is resolved against the importing file's
// folder, so `../../../center/src/app.js` is caught at any depth while the kiosk's own
// `apps/kiosk/src/main/center/` stays allowed. Glob patterns on the specifier could do neither.
// Static imports, re-exports, `import()`, `require()` and `import x = require()` are all checked,
// and the target need not exist (a resolver would silently pass an import it cannot resolve).
import { builtinModules } from 'node:module';
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const builtins = new Set(builtinModules);

/** `fs`, `fs/promises`, `node:fs`, `node:test`, `node:sqlite` (the last two exist only as `node:`). */
export function isNodeBuiltin(specifier) {
  if (specifier.startsWith('node:')) return true;
  return builtins.has(specifier) || builtins.has(specifier.split('/')[0]);
}

/** `electron` and `electron/main`, `@madoguchi/center` and `@madoguchi/center/x`. */
function matchesPackage(specifier, name) {
  return specifier === name || specifier.startsWith(`${name}/`);
}

function isInside(file, folder) {
  const rel = relative(folder, file);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

/** The absolute path a file-system specifier points at, or undefined for a package specifier. */
function targetPath(specifier, importingFile) {
  if (specifier.startsWith('./') || specifier.startsWith('../') || specifier === '.' || specifier === '..')
    return resolve(dirname(importingFile), specifier);
  if (specifier.startsWith('file:')) return fileURLToPath(specifier);
  if (isAbsolute(specifier)) return specifier;
  return undefined;
}

/** The string a module specifier node holds, when it is static. */
function staticSpecifier(node) {
  if (!node) return undefined;
  if (node.type === 'Literal' && typeof node.value === 'string') return node.value;
  if (node.type === 'TemplateLiteral' && node.expressions.length === 0) return node.quasis[0].value.cooked;
  return undefined;
}

const rule = {
  meta: {
    type: 'problem',
    docs: { description: 'Forbid imports that cross a process boundary (by package name, Node built-in or resolved path).' },
    schema: [
      {
        type: 'object',
        properties: {
          root: { type: 'string' },
          restrictions: {
            type: 'array',
            items: {
              type: 'object',
              properties: {
                nodeBuiltins: { type: 'boolean' },
                packages: { type: 'array', items: { type: 'string' } },
                paths: { type: 'array', items: { type: 'string' } },
                message: { type: 'string' },
              },
              required: ['message'],
              additionalProperties: false,
            },
          },
        },
        required: ['root', 'restrictions'],
        additionalProperties: false,
      },
    ],
    messages: { forbidden: "'{{specifier}}' is not allowed here: {{message}}" },
  },
  create(context) {
    const { root, restrictions } = context.options[0];
    const file = context.physicalFilename ?? context.filename;
    const zones = restrictions.map((r) => ({ ...r, folders: (r.paths ?? []).map((p) => resolve(root, p)) }));

    const check = (sourceNode, reportNode = sourceNode) => {
      const specifier = staticSpecifier(sourceNode);
      if (specifier === undefined) return;
      const target = targetPath(specifier, file);
      for (const zone of zones) {
        const hit =
          target !== undefined
            ? zone.folders.some((folder) => isInside(target, folder))
            : (zone.nodeBuiltins && isNodeBuiltin(specifier)) || (zone.packages ?? []).some((name) => matchesPackage(specifier, name));
        if (hit) {
          context.report({ node: reportNode, messageId: 'forbidden', data: { specifier, message: zone.message } });
          return;
        }
      }
    };

    return {
      ImportDeclaration: (node) => check(node.source),
      ExportAllDeclaration: (node) => check(node.source),
      ExportNamedDeclaration: (node) => node.source && check(node.source),
      ImportExpression: (node) => check(node.source, node),
      CallExpression: (node) => {
        if (node.callee.type === 'Identifier' && node.callee.name === 'require' && node.arguments.length === 1)
          check(node.arguments[0], node);
      },
      // `typeof import('electron')` in a type position.
      TSImportType: (node) => {
        // typescript-eslint 8 names it `source`; older versions wrapped it in `argument`.
        const source = node.source ?? node.argument;
        check(source?.type === 'TSLiteralType' ? source.literal : source, node);
      },
      TSImportEqualsDeclaration: (node) => {
        if (node.moduleReference.type === 'TSExternalModuleReference') check(node.moduleReference.expression, node);
      },
    };
  },
};

export default { meta: { name: 'madoguchi-import-boundaries' }, rules: { 'import-boundaries': rule } };
