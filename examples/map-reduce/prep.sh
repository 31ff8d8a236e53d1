# stage 1: the base every map starts from
cp data/base.txt "$DROVER_OUTPUT_DIR/base"
