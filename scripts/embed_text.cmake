# Write a C file defining `const char NAME[]` with the bytes of INPUT, so a
# text file (e.g. the .proto registered with a schema registry) is part of the
# binary. Usage: cmake -DINPUT=... -DOUTPUT=... -DNAME=... -P embed_text.cmake
file(READ "${INPUT}" hex HEX)
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
string(REGEX REPLACE "(0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,)" "\\1\n\t" bytes "${bytes}")
file(WRITE "${OUTPUT}" "/* Generated from ${INPUT} by scripts/embed_text.cmake. */\nconst char ${NAME}[] = {\n\t${bytes}0x00\n};\n")
