#!/usr/bin/env bash
# Usage: tools/scaffold-lib.sh <dir under repo> <nx project name> <tags comma-separated>
# Creates the Nx/TS/jest/eslint boilerplate of one library (source files are yours to write).
set -euo pipefail
dir=$1; name=$2; tags=$3
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
depth=$(echo "$dir" | awk -F/ '{print NF}')
up=$(printf '../%.0s' $(seq 1 "$depth"))
mkdir -p "$dir/src"
tagjson=$(echo "$tags" | awk -F, '{for(i=1;i<=NF;i++){printf "%s\"%s\"", (i>1?", ":""), $i}}')
cat > "$dir/project.json" <<J
{
  "name": "$name",
  "\$schema": "${up}node_modules/nx/schemas/project-schema.json",
  "sourceRoot": "$dir/src",
  "projectType": "library",
  "tags": [$tagjson],
  "targets": {
    "test": { "options": { "passWithNoTests": true } }
  }
}
J
cat > "$dir/tsconfig.json" <<J
{
  "extends": "${up}tsconfig.base.json",
  "files": [],
  "include": [],
  "references": [{ "path": "./tsconfig.lib.json" }, { "path": "./tsconfig.spec.json" }]
}
J
cat > "$dir/tsconfig.lib.json" <<J
{
  "extends": "./tsconfig.json",
  "compilerOptions": { "outDir": "${up}dist/out-tsc", "types": ["node"] },
  "include": ["src/**/*.ts"],
  "exclude": ["jest.config.cts", "src/**/*.spec.ts", "src/**/*.test.ts"]
}
J
cat > "$dir/tsconfig.spec.json" <<J
{
  "extends": "./tsconfig.json",
  "compilerOptions": { "outDir": "${up}dist/out-tsc", "types": ["jest", "node"], "isolatedModules": true },
  "include": ["jest.config.cts", "src/**/*.test.ts", "src/**/*.spec.ts", "src/**/*.d.ts"]
}
J
cat > "$dir/jest.config.cts" <<J
const { nodeProject } = require('${up}tools/jest/node-project');

module.exports = nodeProject(__dirname, '$name');
J
cat > "$dir/eslint.config.mjs" <<J
import baseConfig from '${up}eslint.config.mjs';

export default [...baseConfig];
J
[ -f "$dir/src/index.ts" ] || echo "export {};" > "$dir/src/index.ts"
echo "scaffolded $name in $dir"
