/* gen_seeds.c: writes the seed corpus of the fuzz targets (tests/fuzz/corpus/
 * part and fat) in the sparse-disk format of fuzz_disk.h, from the image
 * builders of the unit tests (tests/unit/fsimg.h). Usage: gen_seeds DIR */
#include <stdio.h>
#include "fsimg.h"
#include "fuzz_disk.h"

static const char *outdir;

/* Write one seed: header, bytes [0, a_len) and [b_off, b_end) of the image
 * (b_end 0: the end of the image). */
static void seed(const char *name, const struct img *im, uint64_t a_len, uint64_t b_off, uint64_t b_end)
{
	uint8_t hdr[FUZZ_HDR] = { 0 };
	uint32_t sectors = (uint32_t)(im->size / im->ssize - 1), bs = (uint32_t)(b_off / im->ssize);
	char path[512];
	FILE *f;

	hdr[0] = im->ssize == 4096 ? 3 : 0;
	memcpy(hdr + 4, &sectors, 4);
	memcpy(hdr + 8, &(uint32_t){ (uint32_t)a_len }, 4);
	memcpy(hdr + 12, &bs, 4);
	snprintf(path, sizeof(path), "%s/%s", outdir, name);
	f = fopen(path, "wb");
	if (!f) {
		perror(path);
		exit(1);
	}
	fwrite(hdr, 1, sizeof(hdr), f);
	fwrite(im->d, 1, a_len, f);
	if (b_off)
		fwrite(im->d + b_off, 1, (b_end ? b_end : im->size) - b_off, f);
	fclose(f);
}

static const struct gpt_part parts[] = {
	{ 0, GUID_EFI, 40, 79, "EFI" },
	{ 1, GUID_MSDATA, 80, 119, "data" },
	{ 5, GUID_LINUX, 120, 130, "root" },
};

static void part_seeds(void)
{
	struct img im;

	img_new(&im, 64 * 512, 512);
	seed("part-empty", &im, 512, 0, 0);
	mbr_entry(&im, 0, 0, 0x80, 0x0C, 4, 8);
	mbr_entry(&im, 0, 1, 0, 0x0F, 16, 40);
	mbr_entry(&im, 16, 0, 0, 0x83, 1, 4);
	mbr_entry(&im, 16, 1, 0, 0x05, 8, 8);
	mbr_entry(&im, 24, 0, 0, 0x06, 2, 4);
	mbr_entry(&im, 24, 1, 0, 0x05, 16, 8);
	mbr_entry(&im, 32, 0, 0, 0x07, 1, 3);
	seed("part-mbr-ebr", &im, 40 * 512, 0, 0);
	img_free(&im);
	img_new(&im, 200 * 512, 512);
	gpt_build(&im, 128, 128, parts, 3);
	seed("part-gpt", &im, 34 * 512, (200 - 33) * 512, 0);
	im.d[512 + 20] ^= 1;
	seed("part-gpt-bad-primary", &im, 34 * 512, (200 - 33) * 512, 0);
	img_free(&im);
	img_new(&im, 200 * 4096, 4096);
	gpt_build(&im, 128, 128, parts, 2);
	seed("part-gpt-4k", &im, 6 * 4096, (200 - 5) * 4096, 0);
	img_free(&im);
}

static const uint8_t text[] = "Ingot fuzz seed: a little text in a file.\n";

/* Root with a short, a long and a fragmented file and a subdirectory. */
static void fat_fill(struct fatimg *f, uint32_t root_clusters)
{
	struct fdir root, sub;

	fdir_root(f, &root, root_clusters);
	fdir_add(&root, NULL, "SEEDVOL    ", 0x08, 0, 0, 0);
	fdir_file(&root, NULL, "README  TXT", text, sizeof(text) - 1, 1);
	fdir_file(&root, "A long file name.txt", "ALONGF~1TXT", text, sizeof(text) - 1, 1);
	fdir_file(&root, NULL, "FRAG    BIN", text, sizeof(text) - 1, 2);
	fdir_sub(&root, "tests", "TESTS      ", &sub, 1);
	fdir_file(&sub, NULL, "DEEP    TXT", text, 10, 1);
}

static void fat_seeds(void)
{
	struct img im;
	struct fatimg f;

	img_new(&im, 2880 * 512, 512);
	fat_format(&f, &im, 12, 1, 1, 224, 9);
	fat_fill(&f, 0);
	seed("fat12", &im, f.data_start + 16 * f.cs, 0, 0);
	img_free(&im);
	img_new(&im, 16 << 20, 512);
	fat_format(&f, &im, 16, 4, 1, 512, 32);
	fat_fill(&f, 0);
	seed("fat16", &im, f.data_start + 16 * f.cs, 0, 0);
	img_free(&im);
	img_new(&im, 70000ull * 512, 512);
	fat_format(&f, &im, 32, 1, 32, 0, 540);
	fat_fill(&f, 1);
	/* The reserved area and the first FAT sectors, then the first clusters. */
	seed("fat32", &im, f.fat_start + 2 * 512, f.data_start, f.data_start + 32 * f.cs);
	img_free(&im);
}

int main(int argc, char **argv)
{
	char dir[400];

	if (argc != 2) {
		fprintf(stderr, "usage: gen_seeds DIR (writes DIR/part and DIR/fat)\n");
		return 2;
	}
	snprintf(dir, sizeof(dir), "%s/part", argv[1]);
	outdir = dir;
	part_seeds();
	snprintf(dir, sizeof(dir), "%s/fat", argv[1]);
	fat_seeds();
	return 0;
}
