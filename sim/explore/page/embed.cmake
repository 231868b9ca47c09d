# Writes OUT, a C++ source defining ds::explore::kPageHtml and kChartJs from
# the files PAGE and CHART (cmake -P; sim/CMakeLists.txt runs it at build
# time), so that the program serves its page and charting library itself.
function(embed file symbol array_var)
  file(READ ${file} hex HEX)
  string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
  string(REGEX REPLACE "((0x..,){32})" "\\1\n" bytes "${bytes}")
  set(${array_var} "const char ${symbol}_bytes[] = {\n${bytes}0x00};\n" PARENT_SCOPE)
endfunction()
embed(${PAGE} kPageHtml page)
embed(${CHART} kChartJs chart)
file(WRITE ${OUT}
  "// Generated at build time by sim/explore/page/embed.cmake from\n"
  "// ${PAGE} and ${CHART}; do not edit.\n"
  "#include \"explore/server.hpp\"\n\nnamespace ds::explore {\nnamespace {\n${page}${chart}}  // namespace\n"
  "const char* const kPageHtml = kPageHtml_bytes;\nconst char* const kChartJs = kChartJs_bytes;\n}  // namespace ds::explore\n")
