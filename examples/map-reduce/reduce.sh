# stage 3: every map's part, $DROVER_INPUT_DIR/map/REPLICA/part, summed
cat "$DROVER_INPUT_DIR"/map/*/part | awk '{ s += $1 } END { print s }' > "$DROVER_OUTPUT_DIR/sum"
cat "$DROVER_OUTPUT_DIR/sum"
