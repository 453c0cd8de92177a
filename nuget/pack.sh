#!/usr/bin/env bash
# Packs Plasticity.ML, Plasticity.ML.Estimators and Plasticity.ML.Orleans (.nupkg + .snupkg) into a local folder feed.
#   bash nuget/pack.sh [OUTPUT_DIR]          default OUTPUT_DIR: artifacts/packages (gitignored)
#   PACKAGE_VERSION=0.2.0-beta.1 bash nuget/pack.sh   overrides the version of the packages
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${1:-$repo/artifacts/packages}"
mkdir -p "$out"
args=(-c Release -o "$out" -nologo)
if [[ -n "${PACKAGE_VERSION:-}" ]]; then args+=("-p:Version=$PACKAGE_VERSION"); fi

# Estimators first: it builds Plasticity.ML as its project reference, so the second pack needs no build.
dotnet pack "$repo/Plasticity.ML.Estimators/Plasticity.ML.Estimators.csproj" "${args[@]}"
dotnet pack "$repo/Plasticity.ML/Plasticity.ML.csproj" "${args[@]}" --no-build --no-restore
dotnet pack "$repo/Plasticity.ML.Orleans/Plasticity.ML.Orleans.csproj" "${args[@]}"
echo "Packed into $out:"
ls -1 "$out" | grep "^Plasticity\.ML" || true
