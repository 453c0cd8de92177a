#!/usr/bin/env bash
# Consumer smoke test of the NuGet packages, as CI runs it:  bash nuget/smoke-test.sh [--negative-control]
#
# 1. packs Plasticity.ML and Plasticity.ML.Estimators into artifacts/packages with a unique prerelease
#    version (so no cache anywhere can hold a stale copy);
# 2. copies nuget/ConsumerSmoke to a temp folder (away from the repository's Directory.Build.* files) and
#    builds it against that local feed + nuget.org, with a throw-away NUGET_PACKAGES folder (the usual
#    global packages folder serves only as a read-only fallback for TorchSharp/libtorch, to save ~1.5 GB);
# 3. when this machine's libstdc++ lacks GLIBCXX_3.4.32, checks that the package's buildTransitive step
#    marked that requirement WEAK in the app's libLibTorchSharp.so and left the NuGet cache copy alone;
# 4. runs the app, which checks torch, the embedded data, a short training run, and an ML.NET pipeline with the
#    plastic trainer (train, evaluate, Model.Save/Load in a fresh MLContext, identical predictions).
# --negative-control also builds the app with PlasticityLibStdCxxFix=false and expects torch to fail to
# load (only meaningful where libstdc++ lacks the version).
# The last line is "nuget smoke test: PASS ..." or "nuget smoke test: FAIL (reason)"; exit code 0 or 1.
set -uo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
negative=0
[[ "${1:-}" == "--negative-control" ]] && negative=1
start=$SECONDS

fail() { echo "nuget smoke test: FAIL ($1)"; exit 1; }

version="0.1.0-smoke.$(date -u +%Y%m%d%H%M%S)"
feed="$repo/artifacts/packages"
work="$(mktemp -d "${TMPDIR:-/tmp}/plasticity-nuget-smoke.XXXXXX")"
cleanup() { if [[ "${KEEP_SMOKE_WORK:-0}" == 1 ]]; then echo "kept $work"; else rm -rf "$work"; fi; }
trap cleanup EXIT

# The global packages folder before we redirect it: a read-only fallback for third-party packages.
fallback="$(dotnet nuget locals global-packages --list 2>/dev/null | sed -n 's/^global-packages: *//p' | tr -d '\r')"
fallback="${fallback%/}"

echo "== packing $version into $feed"
mkdir -p "$feed"
rm -f "$feed"/Plasticity.ML*.0.1.0-smoke.*.nupkg "$feed"/Plasticity.ML*.0.1.0-smoke.*.snupkg
PACKAGE_VERSION="$version" bash "$repo/nuget/pack.sh" "$feed" > "$work/pack.log" 2>&1 \
  || { tail -30 "$work/pack.log"; fail "dotnet pack failed, see above"; }
for id in Plasticity.ML Plasticity.ML.Estimators; do
  [[ -f "$feed/$id.$version.nupkg" && -f "$feed/$id.$version.snupkg" ]] || fail "$id.$version .nupkg/.snupkg missing"
done
# The package layout the fix depends on: NuGet imports buildTransitive/<PackageId>.targets.
listing="$(unzip -l "$feed/Plasticity.ML.$version.nupkg" 2>/dev/null || python3 -c "import sys,zipfile;print('\n'.join(zipfile.ZipFile(sys.argv[1]).namelist()))" "$feed/Plasticity.ML.$version.nupkg")"
for entry in buildTransitive/Plasticity.ML.targets buildTransitive/LibStdCxxCompatTask.cs lib/net10.0/Plasticity.ML.xml README.md licenses/LICENSE-fashion-mnist.txt; do
  grep -q "$entry" <<<"$listing" || fail "Plasticity.ML.$version.nupkg lacks $entry"
done

build_app() {  # $1 = folder name, rest = extra msbuild args
  local dir="$work/$1"; shift
  mkdir -p "$dir"
  cp "$repo"/nuget/ConsumerSmoke/{ConsumerSmoke.csproj,Program.cs,Directory.Build.props,Directory.Build.targets,Directory.Packages.props} "$dir/"
  sed "s#value=\"../../artifacts/packages\"#value=\"$feed\"#" "$repo/nuget/ConsumerSmoke/nuget.config" > "$dir/nuget.config"
  local extra=()
  [[ -n "$fallback" && -d "$fallback" ]] && extra+=("-p:RestoreFallbackFolders=$fallback")
  NUGET_PACKAGES="$work/nuget-packages" dotnet build "$dir/ConsumerSmoke.csproj" -c Release -nologo \
    "-p:PlasticityPackageVersion=$version" "${extra[@]}" "$@" > "$dir/build.log" 2>&1
}

echo "== packed in $((SECONDS - start)) s; building nuget/ConsumerSmoke against the packages"
build_app app || { tail -30 "$work/app/build.log"; fail "ConsumerSmoke did not build"; }
grep -q "Plasticity.ML.targets imported from the package" "$work/app/build.log" || fail "buildTransitive targets not imported"
grep -q "\"Plasticity.ML/$version\"" "$work/app/obj/project.assets.json" && [[ -d "$work/nuget-packages/plasticity.ml/$version" ]] \
  || fail "Plasticity.ML $version was not restored from the local feed into the throw-away cache"
grep -q "\"Plasticity.ML.Estimators/$version\"" "$work/app/obj/project.assets.json" && [[ -d "$work/nuget-packages/plasticity.ml.estimators/$version" ]] \
  || fail "Plasticity.ML.Estimators $version was not restored from the local feed into the throw-away cache"
out="$work/app/bin/Release/net10.0/linux-x64"
[[ -d "$out" ]] || out="$work/app/bin/Release/net10.0"

# Does this machine's libstdc++ lack the version TorchSharp 0.107 asks for?
needs_fix=0
if [[ "$(uname -s)" == Linux ]]; then
  libstdcxx="$( (ldconfig -p 2>/dev/null | grep -m1 'libstdc++.so.6 (libc6,x86-64)' | sed 's/.*=> //') || true)"
  [[ -z "$libstdcxx" ]] && for c in /usr/lib/x86_64-linux-gnu/libstdc++.so.6 /lib64/libstdc++.so.6; do [[ -f "$c" ]] && libstdcxx="$c" && break; done
  if [[ -n "$libstdcxx" ]] && ! grep -qa 'GLIBCXX_3\.4\.32' "$libstdcxx"; then needs_fix=1; fi
fi
fixed="not needed"
if [[ $needs_fix == 1 ]]; then
  bridge="$(find "$out" -name libLibTorchSharp.so | head -1)"
  [[ -n "$bridge" ]] || fail "no libLibTorchSharp.so in the app's output"
  if command -v readelf > /dev/null; then
    readelf -V "$bridge" | grep 'GLIBCXX_3\.4\.32' | grep -q 'Flags: WEAK' \
      || fail "GLIBCXX_3.4.32 is not WEAK in $bridge: the package's libstdc++ fix did not run"
    cached="$(find "$work/nuget-packages" "$fallback" -path '*torchsharp/0.107.0/runtimes/linux-x64/native/libLibTorchSharp.so' 2>/dev/null | head -1)"
    if [[ -n "$cached" ]] && readelf -V "$cached" | grep 'GLIBCXX_3\.4\.32' | grep -q 'Flags: WEAK'; then
      fail "the NuGet cache copy $cached was modified"
    fi
    fixed="GLIBCXX_3.4.32 marked WEAK"
  else
    fixed="readelf missing, fix proven by the run only"
  fi
  echo "== $libstdcxx lacks GLIBCXX_3.4.32; app output: $fixed"
fi

echo "== built in $((SECONDS - start)) s (total so far); running ConsumerSmoke"
"$out/ConsumerSmoke" "$version" 2>&1 | tee "$work/run.log"
status=${PIPESTATUS[0]}
[[ $status == 0 ]] || fail "ConsumerSmoke exited with $status"
[[ "$(tail -1 "$work/run.log")" == "ConsumerSmoke: PASS" ]] || fail "ConsumerSmoke did not report PASS"

if [[ $negative == 1 ]]; then
  if [[ $needs_fix == 1 ]]; then
    echo "== negative control: building with PlasticityLibStdCxxFix=false"
    build_app app-nofix -p:PlasticityLibStdCxxFix=false || { tail -30 "$work/app-nofix/build.log"; fail "negative-control build failed"; }
    if "$work/app-nofix/bin/Release/net10.0/linux-x64/ConsumerSmoke" "$version" > "$work/app-nofix/run.log" 2>&1; then
      fail "negative control: torch loaded without the fix, so the check above proves nothing"
    fi
    grep -m1 -E "GLIBCXX|libtorch|TorchSharp|Exception" "$work/app-nofix/run.log" | cut -c1-200
    echo "== negative control: without the fix the app fails, as expected"
  else
    echo "== negative control skipped: this machine's libstdc++ has GLIBCXX_3.4.32"
  fi
fi

echo "nuget smoke test: PASS (Plasticity.ML and Plasticity.ML.Estimators $version from a local feed, libstdc++: $fixed, $((SECONDS - start)) s)"
