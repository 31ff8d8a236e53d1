# stage 2, one of 20: prep's output is under $DROVER_INPUT_DIR/prep/0/ (read-only)
base=$(cat "$DROVER_INPUT_DIR/prep/0/base")
echo $((base + DROVER_REPLICA)) > "$DROVER_OUTPUT_DIR/part"
